/** The application menu: File (Open CSV…, Export model…, Quit) and Help (About). */
import { app, dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { IPC_MENU, type MenuCommand } from '../contract/preload-bridge.js';

export function installMenu(getWindow: () => BrowserWindow | null, about: () => string): void {
  const send = (command: MenuCommand) => getWindow()?.webContents.send(IPC_MENU, command);
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open CSV…', accelerator: 'CmdOrCtrl+O', click: () => send('open-csv') },
        { label: 'Export model…', accelerator: 'CmdOrCtrl+E', click: () => send('export-model') },
        { type: 'separator' },
        { role: 'quit', label: 'Quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    {
      label: '&Help',
      submenu: [
        {
          label: 'About Forecast Workbench',
          click: () => {
            const win = getWindow();
            const options = { type: 'info' as const, title: 'About Forecast Workbench', message: `Forecast Workbench ${app.getVersion()}`, detail: about() };
            void (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
          },
        },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
