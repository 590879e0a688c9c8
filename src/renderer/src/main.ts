/** Renderer entry: Vue app with Pinia, PrimeVue (Aura theme) and the host client (Electron or browser mode). */
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import PrimeVue from 'primevue/config';
import Aura from '@primeuix/themes/aura';
import { z } from 'zod';
import { createClient, provideClient } from './api/use-client';
import App from './App.vue';
import './styles.css';

// The CSP forbids eval: keep zod from probing `new Function`.
z.config({ jitless: true });

async function main(): Promise<void> {
  const app = createApp(App);
  app.use(createPinia());
  app.use(PrimeVue, { theme: { preset: Aura, options: { darkModeSelector: '.fw-dark', cssLayer: false } } });
  const client = await createClient();
  provideClient(app, client);
  app.mount('#app');
}

main().catch((error: unknown) => {
  const root = document.getElementById('app');
  if (root) {
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.className = 'banner error';
    p.textContent = `The workbench could not connect to its host: ${error instanceof Error ? error.message : String(error)}`;
    root.replaceChildren(p);
  }
});
