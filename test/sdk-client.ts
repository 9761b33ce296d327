// A stand-in for the official SDK's ApiClient, with its transport rules as the contract README records them.
/** What the SDK throws on a non-2xx answer. */
export class HttpError extends Error {
  constructor (readonly status: number, readonly statusText: string, readonly data: { message?: string, [k: string]: unknown } | undefined) {
    super(`HTTP ${status} ${statusText}`)
  }
}

/**
 * The SDK's API-key and repo methods over fetch: `${baseURL}/${path}`, `Authorization: Bearer`, JSON bodies only
 * for non-GET calls with data, no body and no Content-Type otherwise; failures parse JSON only when the
 * answer says application/json.
 */
export class SdkClient {
  private token?: string
  constructor (private readonly baseURL: string) {}

  setAuthToken (token: string): void { this.token = token }

  private async makeRequest<T> (path: string, method: string, data?: unknown): Promise<T> {
    const headers: Record<string, string> = this.token === undefined ? {} : { Authorization: `Bearer ${this.token}` }
    const init: RequestInit = { method, headers }
    if (data !== undefined && method !== 'GET') {
      headers['Content-Type'] = 'application/json'
      init.body = JSON.stringify(data)
    }
    const res = await fetch(`${this.baseURL}/${path}`, init)
    if (!res.ok) {
      const isJson = res.headers.get('content-type')?.includes('application/json') === true
      throw new HttpError(res.status, res.statusText, isJson ? await res.json() as HttpError['data'] : undefined)
    }
    const text = await res.text()
    return (text === '' ? null : JSON.parse(text)) as T
  }

  createRepoKey = async (data: { repoId: string, name: string, accessType: string }): Promise<any> => this.makeRequest(`repo/${data.repoId}/apikey`, 'POST', data)
  getRepoKeys = async (repoId: string): Promise<any> => this.makeRequest(`repo/${repoId}/apikey`, 'GET')
  updateRepoKey = async (repoId: string, keyId: string, data: { name: string, accessType: string }): Promise<any> => this.makeRequest(`repo/${repoId}/apikey/${keyId}`, 'PUT', data)
  deleteRepoKey = async (repoId: string, keyId: string): Promise<any> => this.makeRequest(`repo/${repoId}/apikey/${keyId}`, 'DELETE')
  getStorageRepos = async (workspaceId?: string, walletAddress?: string, repoId?: string): Promise<any> => {
    const query = new URLSearchParams()
    if (workspaceId !== undefined) query.set('workspaceId', workspaceId)
    if (repoId !== undefined) query.set('repoId', repoId)
    if (walletAddress !== undefined) query.set('walletAddress', walletAddress)
    const qs = query.toString()
    return this.makeRequest(qs === '' ? 'repo' : `repo?${qs}`, 'GET')
  }

  getStorageRepo = async (repoId: string): Promise<any> => (await this.getStorageRepos(undefined, undefined, repoId)).repos[0]
  createStorageRepo = async (data: Record<string, unknown>): Promise<any> => this.makeRequest('repo', 'POST', data)
  updateStorageRepo = async (repoId: string, data: Record<string, unknown>): Promise<any> => this.makeRequest(`repo/${repoId}`, 'PUT', data)
  deleteStorageRepo = async (repoId: string): Promise<any> => this.makeRequest(`repo/${repoId}`, 'DELETE')
}
