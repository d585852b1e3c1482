/**
 * How long a permit the app asks for stays valid, from the latest block's time. Permits are signed with the SDK's
 * `signPermit` (`@eai/sdk/tasks/permit`), the same function the SDK client uses.
 */
export const PERMIT_VALIDITY_SECONDS = 3600;
