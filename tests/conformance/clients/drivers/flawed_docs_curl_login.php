<?php
// The documentation-style PHP client with one flaw: its program calls pmRestRequest() after
// pmRestLogin() whatever the login answered, with no token, so a refused login (HTTP 200 +
// error) surfaces only as the resource's 401. PM3-CLIENT-ERR-006 must catch it.

declare(strict_types=1);

require_once __DIR__ . '/../../../../conformance/clients/drivers/php/docs_curl.php';

final class CallsAfterARefusedLogin extends DocsCurlClient
{
    public function __construct()
    {
        parent::__construct();
        $this->name .= ' (flaw: calls after a refused login)';
    }

    public function login_and_call(array $req): array
    {
        try {
            $this->login($req);
        } catch (Pm3Failure) {
            $this->oToken = null; // no isset($oToken->access_token) test: on to the request
        }
        return $this->call($req);
    }
}

pm3_serve(new CallsAfterARefusedLogin());
