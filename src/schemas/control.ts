// Names shared by the control API and the main OpenAPI document, which must leave the control API out.

/** Where the control API lives: a prefix the Flashback API does not use. */
export const CONTROL_PREFIX = '/__mock'

/** The OpenAPI tag of every control route; the main document hides routes with this tag. */
export const CONTROL_TAG = 'Mock control'
