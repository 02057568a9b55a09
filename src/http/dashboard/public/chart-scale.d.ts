// Types of chart-scale.js, for the Node tests that load it.
export function niceTicks(min: number, max: number, count?: number, integer?: boolean): number[];
export function niceStep(raw: number): number;
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (value: number) => number;
export function bands(count: number, width: number, padding?: number): { size: number; start(index: number): number; centre(index: number): number };
export function stack(values: readonly number[]): Array<{ from: number; to: number }>;
export function maxOf(values: ReadonlyArray<number | null | undefined>, fallback?: number): number;
