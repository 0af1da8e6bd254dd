// The oauth4webapi driver with one flaw: a user lookup takes the first element of
// GET users?filter=NAME, as if the filter matched the username exactly. PM3-CLIENT-REST-001 must
// catch it.

import { OAuth4WebApiClient } from '../../../../conformance/clients/drivers/js/oauth4webapi.mjs';
import { serve } from '../../../../conformance/clients/drivers/js/pm3-driver.mjs';

class TakesTheFirstUser extends OAuth4WebApiClient {
  name = `${this.name} (flaw: takes the first user listed)`;

  async find_user(req) {
    const resource = `users?${new URLSearchParams({ filter: req.options.username ?? '' })}`;
    const { state, result } = await this.call({ ...req, options: { ...req.options, resource } });
    return { state, result: { ...result, body: result.body?.[0] ?? null } };
  }
}

await serve(new TakesTheFirstUser());
