// What every page of the console is: an element with a heading to move the focus to, and
// what to stop (streams, timers) when the person leaves it.

export interface View {
  readonly element: HTMLElement;
  /** The document title's first part. */
  readonly title: string;
  destroy?(): void;
}
