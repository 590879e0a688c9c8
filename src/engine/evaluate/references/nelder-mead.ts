/**
 * Downhill simplex minimisation (Nelder & Mead 1965) with the standard coefficients: reflection 1,
 * expansion 2, contraction 1/2, shrink 1/2, and an initial simplex that moves each coordinate by 5 % (or by
 * `zeroStep` where it is 0). It stops after `maxIterations`, or when the simplex has collapsed: every vertex
 * within `tolerance` of the best one in each coordinate and in function value.
 */
export interface NelderMeadOptions {
  maxIterations?: number;
  /** Spread in function value (and in each coordinate) under which the search stops. */
  tolerance?: number;
  zeroStep?: number;
}

interface Vertex {
  x: number[];
  fx: number;
}

/** Centroid + coefficient * (centroid - worst). */
function along(centroid: number[], worst: number[], coefficient: number): number[] {
  return centroid.map((c, i) => c + coefficient * (c - worst[i]));
}

export function nelderMead(f: (x: number[]) => number, start: readonly number[], options: NelderMeadOptions = {}): Vertex {
  const n = start.length;
  const maxIterations = options.maxIterations ?? 200 * n;
  const tolerance = options.tolerance ?? 1e-8;
  const zeroStep = options.zeroStep ?? 0.001;
  const evaluate = (x: number[]): Vertex => ({ x, fx: f(x) });

  let simplex: Vertex[] = [evaluate([...start])];
  for (let i = 0; i < n; i++) {
    const x = [...start];
    x[i] = x[i] === 0 ? zeroStep : x[i] * 1.05;
    simplex.push(evaluate(x));
  }

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    simplex.sort((a, b) => a.fx - b.fx);
    const best = simplex[0];
    const worst = simplex[n];
    const collapsed = simplex.every((v) => Math.abs(v.fx - best.fx) <= tolerance && v.x.every((xi, i) => Math.abs(xi - best.x[i]) <= tolerance));
    if (collapsed) break;

    const centroid = new Array<number>(n).fill(0);
    for (let v = 0; v < n; v++) for (let i = 0; i < n; i++) centroid[i] += simplex[v].x[i] / n;

    const reflected = evaluate(along(centroid, worst.x, 1));
    if (reflected.fx < best.fx) {
      const expanded = evaluate(along(centroid, worst.x, 2));
      simplex[n] = expanded.fx < reflected.fx ? expanded : reflected;
    } else if (reflected.fx < simplex[n - 1].fx) {
      simplex[n] = reflected;
    } else {
      // Contract towards the better of the worst point and its reflection.
      const outside = reflected.fx < worst.fx;
      const contracted = evaluate(along(centroid, worst.x, outside ? 0.5 : -0.5));
      if (contracted.fx < Math.min(reflected.fx, worst.fx)) simplex[n] = contracted;
      else {
        simplex = simplex.map((v, k) => (k === 0 ? v : evaluate(v.x.map((xi, i) => best.x[i] + 0.5 * (xi - best.x[i])))));
      }
    }
  }
  simplex.sort((a, b) => a.fx - b.fx);
  return simplex[0];
}
