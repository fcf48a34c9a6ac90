/** What every service asks for the time: injected by tests that drive time instead of waiting for it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
