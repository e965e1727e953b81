import type { JSX } from "preact";

/** A screen whose API lands with the console's part 2; its nav entry and route are already here. */
export function ComingScreen({ title, what }: { title: string; what: string }): JSX.Element {
  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      <p>{what}</p>
      <p class="muted">This screen comes with the next part of the console.</p>
    </>
  );
}
