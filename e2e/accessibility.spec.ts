/**
 * Accessibility: axe-core (@axe-core/playwright) on every tab, before and after a run, with zero critical or
 * serious violations; a `main` landmark; focus after Train and when a run ends; focus never under the sticky
 * header.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, setField, test } from './fixtures';

const TABS = ['data', 'training', 'results', 'anatomy'] as const;

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`);
}

async function checkEveryTab(page: Page, when: string): Promise<void> {
  for (const tab of TABS) {
    await page.getByTestId(`tab-${tab}`).click();
    if (tab === 'anatomy') await expect(page.getByTestId('anatomy-summary')).toBeVisible();
    expect(await seriousViolations(page), `${tab} tab ${when}`).toEqual([]);
  }
}

test('axe finds no critical or serious violation on any tab, before and after a run; focus lands sensibly', async ({ app: page }) => {
  await expect(page.getByRole('main')).toHaveCount(1);
  await checkEveryTab(page, 'before a run');

  await page.getByTestId('tab-training').click();
  await setField(page, 'epochs', '2');
  await setField(page, 'batch-size', '32');
  await page.getByTestId('train-button').click();
  // While training, focus moves to Stop (the control that now matters).
  await expect(page.getByTestId('stop-button')).toBeFocused();
  await expect(page.getByTestId('tab-results')).toHaveAttribute('aria-selected', 'true', { timeout: 120_000 });
  // When the run ends, focus goes to the Results tab that opened.
  await expect(page.getByTestId('tab-results')).toBeFocused();
  await checkEveryTab(page, 'after a run');

  // A focused control is never hidden under the sticky header.
  await page.getByTestId('tab-training').click();
  const header = await page.locator('header').first().boundingBox();
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    const box = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body || el.closest('header')) return null;
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom };
    });
    if (box && header) expect(box.top, 'focused control below the sticky header').toBeGreaterThanOrEqual(header.y + header.height - 1);
  }
});
