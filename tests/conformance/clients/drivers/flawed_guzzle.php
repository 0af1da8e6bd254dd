<?php
// The Guzzle client with one flaw: its API calls carry the access token in the URL
// (?access_token=…), where logs and proxies keep it. PM3-CLIENT-SEC-001 must catch it.

declare(strict_types=1);

require_once __DIR__ . '/../../../../conformance/clients/drivers/php/guzzle.php';

final class TokenInTheUrl extends GuzzleOAuthClient
{
    public function __construct()
    {
        parent::__construct();
        $this->name .= ' (flaw: token in the URL)';
    }

    public function call(array $req): array
    {
        $url = pm3_api_url($req) . '?access_token=' . urlencode($this->token['access_token'] ?? '');
        $response = $this->send('GET', $url, $req, []);
        $body = json_decode((string) $response->getBody());
        return ['state' => $this->token, 'result' => ['status' => $response->getStatusCode(), 'body' => $body]];
    }
}

pm3_serve(new TokenInTheUrl());
