// Test support: the reference decoders (ffmpeg, ffprobe, opusinfo) that judge the Ogg Opus files we write, and
// ffmpeg-made files to read. Tests skip with a clear message when a tool is missing; CI installs them.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { int16FromBytes } from '../src/audio/pcm.ts';

const present = new Map<string, boolean>();

/** `false` when `tool` runs, else a skip message naming the Debian package that provides it. */
export function skipWithout(tool: 'ffmpeg' | 'ffprobe' | 'opusinfo'): false | string {
  if (!present.has(tool)) present.set(tool, spawnSync(tool, [tool === 'opusinfo' ? '-V' : '-version']).status === 0);
  if (present.get(tool)) return false;
  return `${tool} is not installed (Debian package ${tool === 'opusinfo' ? 'opus-tools' : 'ffmpeg'}): install it to check files with a real decoder`;
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'gateway-opus-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface ProbedStream {
  readonly codec: string;
  readonly channels: number;
  readonly container: string;
  readonly durationS: number;
}

/** What ffprobe reads from a file. ffprobe counts an Ogg Opus stream's pre-skip in its duration. */
export function ffprobe(file: string): ProbedStream {
  const json = execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { encoding: 'utf8' });
  const parsed = JSON.parse(json) as { streams: { codec_name: string; channels: number; duration: string }[]; format: { format_name: string } };
  const stream = parsed.streams[0]!;
  return { codec: stream.codec_name, channels: stream.channels, container: parsed.format.format_name, durationS: Number(stream.duration) };
}

/** opusinfo's verdict: its exit status and everything it printed. */
export function opusinfo(file: string): { status: number | null; output: string } {
  const result = spawnSync('opusinfo', [file], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** ffmpeg's decoding of `file` as mono PCM16 at `rate`. */
export function ffmpegDecode(file: string, rate = 24_000): Int16Array {
  const bytes = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 's16le', '-ac', '1', '-ar', String(rate), '-'], { maxBuffer: 1 << 28 });
  return int16FromBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).slice();
}

/** Runs ffmpeg with `args` and returns the bytes of `output` (a path inside `dir`). */
export function ffmpegMake(dir: string, args: readonly string[], output: string): Uint8Array {
  const path = join(dir, output);
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args, path]);
  return new Uint8Array(readFileSync(path));
}

export function writeTemp(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}
