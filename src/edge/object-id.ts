/** An object id in a query string: a positive decimal of at most 15 digits (a safe integer). */
export const OBJECT_ID = /^[1-9][0-9]{0,14}$/;
