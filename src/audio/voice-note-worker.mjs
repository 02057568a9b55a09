// Worker entry: registers the TypeScript loader in this thread (loader hooks are not shared with workers on
// Node 20), then runs the worker written in TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./voice-note-worker.ts');
