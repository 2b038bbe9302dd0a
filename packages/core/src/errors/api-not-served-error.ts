import { StackError } from './stack-error.js';

/** 404: the distribution running has no provider for the API a route belongs to. */
export class ApiNotServedError extends StackError {
  readonly api: string;

  constructor(api: string, distribution: string) {
    super(
      404,
      'api_not_served',
      `The '${api}' API is not served by distribution '${distribution}': it configures no provider for it. ` +
        `Add one under 'providers.${api}' in its distribution.yaml.`,
      { details: { api, distribution } },
    );
    this.name = 'ApiNotServedError';
    this.api = api;
  }
}
