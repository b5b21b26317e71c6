/** DiDi authenticates by the API token alone: no signing, no timestamp. */
export function didiAuthHeaders(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}
