const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a string shaped like a UUID (any version), the shape of every session id and token here. */
export const isUuid = (value: string): boolean => value.length === 36 && UUID.test(value);
