<?php
// The documentation-style PHP client with one flaw: it takes any HTTP 200 answer as the token,
// without the isset($oToken->error) test. PM3-CLIENT-ERR-001 must catch it.

declare(strict_types=1);

require_once __DIR__ . '/../../../../conformance/clients/drivers/php/docs_curl.php';

final class AnyTwoHundredIsAToken extends DocsCurlClient
{
    public function __construct()
    {
        parent::__construct();
        $this->name .= ' (flaw: any 200 is a token)';
    }

    protected function answer(int $httpStatus, mixed $oToken): object
    {
        return $httpStatus == 200 ? (object) $oToken : parent::answer($httpStatus, $oToken);
    }
}

pm3_serve(new AnyTwoHundredIsAToken());
