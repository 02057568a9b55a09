export * from './audio.ts';
export * from './channel.ts';
export * from './model.ts';
export * from './tool.ts';
export * from './store.ts';
