// The oauth4webapi driver with one flaw: every refresh sends the first refresh token it was given,
// long after ProcessMaker spent it. PM3-CLIENT-REFRESH-001 must catch it.

import { OAuth4WebApiClient } from '../../../../conformance/clients/drivers/js/oauth4webapi.mjs';
import { serve } from '../../../../conformance/clients/drivers/js/pm3-driver.mjs';

class ReusesTheFirstRefreshToken extends OAuth4WebApiClient {
  name = `${this.name} (flaw: reuses the first refresh token)`;
  first = null;

  refreshToken() {
    this.first ??= super.refreshToken();
    return this.first;
  }
}

await serve(new ReusesTheFirstRefreshToken());
