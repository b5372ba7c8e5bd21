// The few facts only the browser knows, for the server-rendered shop.
export function utcOffsetMinutes() {
    return -new Date().getTimezoneOffset();
}
