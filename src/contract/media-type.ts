/** True for the content types that announce JSON: application/json or any +json type, optionally with parameters such as charset. */
export const isJsonMediaType = (contentType: string | undefined): boolean =>
  contentType !== undefined && /^application\/(?:[a-z0-9.+-]*\+)?json\s*(?:;|$)/i.test(contentType);

/** True for content types that name a non-JSON format (multipart bodies and XML), the only ones LoudVoice refuses. */
export const namesNonJsonFormat = (contentType: string | undefined): boolean =>
  contentType !== undefined && /^\s*(?:multipart\/|[a-z0-9.+-]+\/(?:[a-z0-9.+-]*\+)?xml\b)/i.test(contentType);
