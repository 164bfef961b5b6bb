/**
 * `promise`, or a rejection with `message()` once `ms` have passed. The timer is cleared either way: a
 * left-over timer kept a test file run alone waiting (jest: "did not exit one second after the test
 * run has completed") for the rest of its minutes after the tests had ended.
 */
export async function within<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message())), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
