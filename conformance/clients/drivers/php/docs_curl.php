<?php
// A ProcessMaker client written the way the documentation's PHP examples are ("OAuth 2.0":
// pmRestLogin(), pmRestRefresh(), the authorization_code gettoken.php, and the pmRestRequest() its
// callers use): cURL with the POST variables as an array (so a multipart body), CURLOPT_TIMEOUT,
// json_decode() of the answer, the HTTP status tested first, then isset($oToken->error), and the
// callers' test isset($oToken->access_token). On a 401 from a REST endpoint it calls the refresh
// once and retries, as the documentation advises.
//
//   pm3-conformance clients --driver "php conformance/clients/drivers/php/docs_curl.php"

declare(strict_types=1);

require_once __DIR__ . '/pm3_driver.php';

class DocsCurlClient
{
    public string $name;
    public array $capabilities = [
        'actions' => ['login', 'authorize_code', 'client_credentials', 'refresh', 'call', 'login_and_call', 'find_user'],
        'auto_refresh' => true,
        'encodings' => ['form'],
        'client_auth' => ['body'],
        'timeout' => true,
    ];
    /** The last token object the server gave (the functions' return value, as the callers keep it). */
    protected ?object $oToken = null;

    public function __construct()
    {
        $this->name = 'PHP ' . PHP_VERSION . ' cURL (the documentation\'s pmRestLogin)';
    }

    public function login(array $req): array
    {
        $c = $req['credentials'];
        return $this->token($req, [
            'grant_type' => 'password',
            'scope' => $req['options']['scope'] ?? '*',
            'client_id' => $c['client_id'],
            'client_secret' => $c['client_secret'],
            'username' => $c['username'] ?? '',
            'password' => $c['password'] ?? '',
        ]);
    }

    public function authorize_code(array $req): array
    {
        $c = $req['credentials'];
        return $this->token($req, [
            'grant_type' => 'authorization_code',
            'code' => $req['options']['code'] ?? '',
            'client_id' => $c['client_id'],
            'client_secret' => $c['client_secret'],
        ]);
    }

    public function client_credentials(array $req): array
    {
        $c = $req['credentials'];
        return $this->token($req, [
            'grant_type' => 'client_credentials',
            'client_id' => $c['client_id'],
            'client_secret' => $c['client_secret'],
        ]);
    }

    // pmRestRefresh(). (The documentation's version saves only the new access_token in a cookie;
    // this client keeps the whole answer, as the function's return value offers it.)
    public function refresh(array $req): array
    {
        $c = $req['credentials'];
        return $this->token($req, [
            'grant_type' => 'refresh_token',
            'client_id' => $c['client_id'],
            'client_secret' => $c['client_secret'],
            'refresh_token' => $this->oToken->refresh_token ?? '',
        ]);
    }

    // pmRestRequest("GET", ...) with the token held; a 401 leads to one refresh and one retry.
    public function call(array $req): array
    {
        [$status, $oRet] = $this->get($req);
        if ($status == 401 && isset($this->oToken->refresh_token)) {
            $this->refresh($req);
            [$status, $oRet] = $this->get($req);
        }
        if ($status != 200) {
            throw new Pm3Failure('http', [
                'status' => $status,
                'error' => $oRet->error->code ?? null,
                'error_description' => $oRet->error->message ?? null,
            ]);
        }
        return ['state' => $this->oToken, 'result' => ['status' => $status, 'body' => $oRet]];
    }

    // The callers' pattern: pmRestLogin(), then pmRestRequest() only if isset($oToken->access_token)
    // (here the login throws on an error, so the request is never made).
    public function login_and_call(array $req): array
    {
        $this->login($req);
        return $this->call($req);
    }

    // pmRestRequest("GET", "users?filter=...") and the element whose usr_username is the name:
    // the filter matches part of a username, first or last name.
    public function find_user(array $req): array
    {
        $username = $req['options']['username'] ?? '';
        $lookup = ['options' => ['resource' => 'users?' . http_build_query(['filter' => $username])] + $req['options']] + $req;
        $answer = $this->call($lookup);
        $found = null;
        foreach (is_array($answer['result']['body']) ? $answer['result']['body'] : [] as $oUser) {
            if (($oUser->usr_username ?? null) === $username) {
                $found = $oUser;
                break;
            }
        }
        $answer['result']['body'] = $found;
        return $answer;
    }

    protected function token(array $req, array $postParams): array
    {
        $ch = curl_init(pm3_token_url($req));
        curl_setopt($ch, CURLOPT_TIMEOUT, $this->timeout($req));
        curl_setopt($ch, CURLOPT_POST, 1);
        curl_setopt($ch, CURLOPT_POSTFIELDS, $postParams);
        curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
        $body = $this->exec($ch);
        $httpStatus = curl_getinfo($ch, CURLINFO_HTTP_CODE);
        curl_close($ch);
        $this->oToken = $this->answer($httpStatus, json_decode($body));
        return ['state' => $this->oToken];
    }

    // The documentation's order: the HTTP status, then the error object, then the token.
    protected function answer(int $httpStatus, mixed $oToken): object
    {
        if ($httpStatus != 200) {
            throw new Pm3Failure('http', [
                'status' => $httpStatus,
                'message' => "Error in HTTP status code: $httpStatus",
            ]);
        }
        if (isset($oToken->error)) {
            throw new Pm3Failure('oauth', [
                'error' => $oToken->error,
                'error_description' => $oToken->error_description ?? null,
                'status' => $httpStatus,
            ]);
        }
        if (!isset($oToken->access_token)) {
            throw new Pm3Failure('parse', ['status' => $httpStatus, 'message' => 'no access_token in the answer']);
        }
        return $oToken;
    }

    protected function get(array $req): array
    {
        $ch = curl_init(pm3_api_url($req));
        curl_setopt($ch, CURLOPT_TIMEOUT, $this->timeout($req));
        curl_setopt($ch, CURLOPT_HTTPHEADER, ['Authorization: Bearer ' . ($this->oToken->access_token ?? '')]);
        curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
        $body = $this->exec($ch);
        $status = curl_getinfo($ch, CURLINFO_HTTP_CODE);
        curl_close($ch);
        return [$status, json_decode($body)];
    }

    protected function exec(CurlHandle $ch): string
    {
        $body = curl_exec($ch);
        if ($body === false) {
            $kind = curl_errno($ch) === CURLE_OPERATION_TIMEDOUT ? 'timeout' : 'transport';
            throw new Pm3Failure($kind, ['message' => 'cURL error ' . curl_errno($ch) . ': ' . curl_error($ch)]);
        }
        return $body;
    }

    protected function timeout(array $req): int
    {
        return (int) ceil($req['options']['timeout'] ?? 30); // the documentation's CURLOPT_TIMEOUT, 30
    }
}

if (get_included_files()[0] === __FILE__) {
    pm3_serve(new DocsCurlClient());
}
