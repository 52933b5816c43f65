/**
 * Statements sent together on one connection (pipelined: see Db.transaction) answer in the order they were sent, and
 * when one fails inside a transaction, those behind it fail with "current transaction is aborted" (25P02). Their
 * promises, though, settle in no order one can rely on (each goes through its own chain of reactions), so
 * Promise.all may reject with a 25P02 instead of the cause. inOrder waits for all of them and throws the first failure
 * in the order they were sent.
 */
export async function inOrder<T extends readonly unknown[]>(sent: readonly [...{ [K in keyof T]: Promise<T[K]> }]): Promise<T> {
  const settled = await Promise.allSettled(sent);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * `body`, whose statements follow `sent` on the wire (a statement sent ahead and not waited for: a BEGIN with its locks,
 * a date's lock). When `sent` failed, the statements behind it failed with 25P02 because of it: its error is the one
 * thrown, whatever body threw. Either way `sent` has been answered when this settles.
 */
export async function behind<T>(sent: Promise<unknown>, body: () => Promise<T>): Promise<T> {
  let failed = false;
  let failure: unknown;
  const answered = sent.then(() => undefined, (err: unknown) => {
    failed = true;
    failure = err;
  });
  let result: T;
  try {
    result = await body();
  } catch (err) {
    await answered;
    throw failed ? failure : err;
  }
  await answered;
  if (failed) throw failure;
  return result;
}
