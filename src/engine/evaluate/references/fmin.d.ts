/** Types for the parts of the `fmin` package (downhill simplex minimisation) that the references use. */
declare module 'fmin' {
  export interface NelderMeadOptions {
    maxIterations?: number;
    minErrorDelta?: number;
    minTolerance?: number;
    nonZeroDelta?: number;
    zeroDelta?: number;
  }
  export function nelderMead(f: (x: number[]) => number, x0: number[], options?: NelderMeadOptions): { x: number[]; fx: number };
}
