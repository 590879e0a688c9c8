/**
 * The Anatomy view's state, as a Pinia store like the other features: the form, the report the host computed
 * ('anatomy:compute'), the step shown, and the calls that change them. It lives as long as the app, so
 * switching tabs keeps what the analyst was looking at.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef } from 'vue';
import type { AnatomyReport } from '../../../../contract/anatomy';
import { useClient } from '../../api/use-client';
import { requestFromForm, tutorialAnatomyForm } from './anatomy-form';

export const useAnatomyStore = defineStore('anatomy', () => {
  const client = useClient();
  const form = reactive(tutorialAnatomyForm());
  const report = shallowRef<AnatomyReport | null>(null);
  const error = ref<string | null>(null);
  const busy = ref(false);
  const currentStep = ref(1);
  /** How many units of each vector the step tables show (wide LSTM/GRU layers collapse to these). */
  const unitsShown = ref(4);
  const timeSteps = computed(() => report.value?.timeSteps ?? 0);
  /** Only the newest request's answer is shown: an older one that arrives later is dropped. */
  let latest = 0;

  async function compute(): Promise<void> {
    const built = requestFromForm(form);
    if ('error' in built) {
      error.value = built.error;
      return;
    }
    const ticket = ++latest;
    busy.value = true;
    error.value = null;
    try {
      const answer = await client.call('anatomy:compute', built.request);
      if (ticket !== latest) return;
      report.value = answer;
      currentStep.value = 1;
      if (answer.seed !== null) form.seedText = String(answer.seed);
    } catch (failure) {
      if (ticket === latest) error.value = (failure as Error).message;
    } finally {
      if (ticket === latest) busy.value = false;
    }
  }

  /** Explain a trained model's bundle folder. */
  function useBundle(dir: string): void {
    form.source = 'bundle';
    form.bundleDir = dir;
  }

  async function chooseBundle(): Promise<void> {
    const bundle = await client.pickBundle();
    if (bundle) useBundle(bundle.dir);
  }

  function goToStep(step: number): void {
    currentStep.value = Math.min(Math.max(1, step), timeSteps.value);
  }

  return { form, report, error, busy, currentStep, unitsShown, timeSteps, compute, useBundle, chooseBundle, goToStep };
});
