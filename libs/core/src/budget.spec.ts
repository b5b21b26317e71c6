import { callBudget, upstreamTimeout, withinBudget } from './budget';
import { GatewayError } from './errors';

describe('upstreamTimeout', () => {
  it('is an UPSTREAM_TIMEOUT naming the provider and the budget', () => {
    const error = upstreamTimeout('acme', 1500);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.provider).toBe('acme');
    expect(error.detail).toBe('acme did not answer within 1500 ms');
  });
});

describe('callBudget', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('aborts its signal with UPSTREAM_TIMEOUT once the budget is spent, not before', () => {
    const budget = callBudget('acme', 1000);
    jest.advanceTimersByTime(999);
    expect(budget.ctx.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(budget.ctx.signal.aborted).toBe(true);
    expect(budget.ctx.signal.reason).toMatchObject({ code: 'UPSTREAM_TIMEOUT', provider: 'acme', detail: 'acme did not answer within 1000 ms' });
  });

  it('sets the deadline budgetMs after now', () => {
    const before = performance.now();
    const budget = callBudget('acme', 1000);
    expect(budget.ctx.deadline).toBeGreaterThanOrEqual(before + 1000);
    expect(budget.ctx.deadline).toBeLessThanOrEqual(performance.now() + 1000);
  });

  it('carries the request id when given, and no requestId member otherwise', () => {
    expect(callBudget('acme', 1000, 'req-1').ctx.requestId).toBe('req-1');
    expect('requestId' in callBudget('acme', 1000).ctx).toBe(false);
  });

  it('never aborts once stopped', () => {
    const budget = callBudget('acme', 1000);
    budget.stop();
    jest.advanceTimersByTime(5000);
    expect(budget.ctx.signal.aborted).toBe(false);
  });

  it('aborts with the caller’s reason when the caller goes away, also after stop', () => {
    const cancel = new AbortController();
    const budget = callBudget('acme', 1000, undefined, cancel.signal);
    budget.stop();
    expect(budget.ctx.signal.aborted).toBe(false);
    cancel.abort(new Error('client gone'));
    expect(budget.ctx.signal.aborted).toBe(true);
    expect(budget.ctx.signal.reason).toEqual(new Error('client gone'));
  });

  it('starts aborted when the caller is already gone', () => {
    const cancel = new AbortController();
    cancel.abort(new Error('gone before'));
    const budget = callBudget('acme', 1000, undefined, cancel.signal);
    expect(budget.ctx.signal.aborted).toBe(true);
    expect(budget.ctx.signal.reason).toEqual(new Error('gone before'));
  });
});

describe('callBudget timer', () => {
  it('is unref’d, so a forgotten budget does not hold the event loop', () => {
    const spy = jest.spyOn(global, 'setTimeout');
    try {
      const budget = callBudget('acme', 60_000);
      const timer = spy.mock.results[0].value as NodeJS.Timeout;
      expect(timer.hasRef()).toBe(false);
      budget.stop();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('withinBudget', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves with the promise when it settles before the deadline', async () => {
    await expect(withinBudget(Promise.resolve('answer'), performance.now() + 1000, () => 'late')).resolves.toBe('answer');
  });

  it('rejects with the promise’s error before the deadline', async () => {
    await expect(withinBudget(Promise.reject(new Error('boom')), performance.now() + 1000, () => 'late')).rejects.toThrow('boom');
  });

  it('resolves with onTimeout() at the deadline, not before', async () => {
    const never = new Promise<string>(() => {});
    let settled: string | undefined;
    void withinBudget(never, performance.now() + 1000, () => 'late').then((value) => (settled = value));
    await jest.advanceTimersByTimeAsync(999);
    expect(settled).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(settled).toBe('late');
  });

  it('counts the deadline from now, however long the process has run', async () => {
    await jest.advanceTimersByTimeAsync(5000);
    let settled: string | undefined;
    void withinBudget(new Promise<string>(() => {}), performance.now() + 1000, () => 'late').then((value) => (settled = value));
    await jest.advanceTimersByTimeAsync(1000);
    expect(settled).toBe('late');
  });

  it('rejects with what onTimeout() throws', async () => {
    const result = withinBudget(new Promise<string>(() => {}), performance.now() + 10, () => {
      throw new Error('spent');
    });
    const caught = result.catch((error: Error) => error.message);
    await jest.advanceTimersByTimeAsync(10);
    await expect(caught).resolves.toBe('spent');
  });

  it('times out at once for a deadline already past', async () => {
    const result = withinBudget(new Promise<string>(() => {}), performance.now() - 500, () => 'late');
    await jest.advanceTimersByTimeAsync(0);
    await expect(result).resolves.toBe('late');
  });

  it('clears its timer once the promise wins', async () => {
    const onTimeout = jest.fn(() => 'late');
    await withinBudget(Promise.resolve('answer'), performance.now() + 1000, onTimeout);
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(2000);
    expect(onTimeout).not.toHaveBeenCalled();
  });
});
