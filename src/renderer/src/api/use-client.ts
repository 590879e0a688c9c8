/**
 * Picking and sharing the WorkbenchClient: the desktop client when the Electron preload exposed
 * `window.workbench`, otherwise the browser-mode client (WebSocket to `npm run serve`).
 */
import { hasInjectionContext, inject, type App, type InjectionKey } from 'vue';
import { createBrowserClient } from './browser-client';
import type { WorkbenchClient } from './client';
import { createDesktopClient } from './desktop-client';

export const CLIENT_KEY: InjectionKey<WorkbenchClient> = Symbol('workbench-client');

let current: WorkbenchClient | null = null;

export async function createClient(): Promise<WorkbenchClient> {
  return window.workbench ? createDesktopClient(window.workbench) : createBrowserClient();
}

export function provideClient(app: App, client: WorkbenchClient): void {
  current = client;
  app.provide(CLIENT_KEY, client);
}

/** The client provided to the app (inside components and stores). */
export function useClient(): WorkbenchClient {
  const client = (hasInjectionContext() ? inject(CLIENT_KEY, null) : null) ?? current;
  if (!client) throw new Error('No workbench client: call provideClient(app, await createClient()) before mounting.');
  return client;
}
