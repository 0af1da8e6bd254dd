// The simple-oauth2 driver with one flaw: it drops the timeout it was asked for, so a slow token
// endpoint holds it as long as the server likes. PM3-CLIENT-FAULT-003 must catch it.

import { SimpleOAuth2Client } from '../../../../conformance/clients/drivers/js/simple-oauth2.mjs';
import { serve } from '../../../../conformance/clients/drivers/js/pm3-driver.mjs';

class IgnoresTheTimeout extends SimpleOAuth2Client {
  name = `${this.name} (flaw: ignores the timeout)`;

  grant(req, obtain) {
    return super.grant(req, () => obtain({}));
  }
}

await serve(new IgnoresTheTimeout());
