<?php
// A ProcessMaker client on Guzzle 7 (Debian's php-guzzlehttp-guzzle, or Composer's
// guzzlehttp/guzzle), written as Guzzle's documentation shows: form_params or json bodies, the
// 'auth' option for Basic client credentials, 'timeout', and a RequestException's response read
// for the OAuth error of a 4xx answer. An answer with HTTP 200 is checked for an error object too,
// because ProcessMaker sends its token errors with HTTP 200.
//
//   pm3-conformance clients --driver "php conformance/clients/drivers/php/guzzle.php"

declare(strict_types=1);

require_once __DIR__ . '/pm3_driver.php';
// Composer's autoloader when there is one, else Debian's (/usr/share/php is on the include path).
$composer = __DIR__ . '/vendor/autoload.php';
require_once is_file($composer) ? $composer : 'GuzzleHttp/autoload.php';

use GuzzleHttp\Client;
use GuzzleHttp\ClientInterface;
use GuzzleHttp\Exception\ConnectException;
use GuzzleHttp\Exception\RequestException;
use Psr\Http\Message\ResponseInterface;

class GuzzleOAuthClient
{
    public string $name;
    public array $capabilities = [
        'actions' => ['login', 'authorize_code', 'client_credentials', 'refresh', 'call', 'login_and_call', 'find_user'],
        'encodings' => ['form', 'json'],
        'client_auth' => ['body', 'basic'],
        'timeout' => true,
    ];
    protected Client $http;
    protected array $token = [];

    public function __construct()
    {
        $this->name = 'Guzzle ' . ClientInterface::MAJOR_VERSION . ' (PHP ' . PHP_VERSION . ')';
        $this->http = new Client();
    }

    public function login(array $req): array
    {
        $params = ['grant_type' => 'password', 'scope' => $req['options']['scope'] ?? '*'];
        $params['username'] = $req['credentials']['username'] ?? '';
        $params['password'] = $req['credentials']['password'] ?? '';
        return $this->grant($req, $params);
    }

    public function authorize_code(array $req): array
    {
        $params = ['grant_type' => 'authorization_code', 'code' => $req['options']['code'] ?? ''];
        if (isset($req['options']['redirect_uri'])) {
            $params['redirect_uri'] = $req['options']['redirect_uri'];
        }
        return $this->grant($req, $params);
    }

    public function client_credentials(array $req): array
    {
        return $this->grant($req, ['grant_type' => 'client_credentials']);
    }

    public function refresh(array $req): array
    {
        $refresh = $this->token['refresh_token'] ?? '';
        return $this->grant($req, ['grant_type' => 'refresh_token', 'refresh_token' => $refresh]);
    }

    public function call(array $req): array
    {
        $response = $this->send('GET', pm3_api_url($req), $req, [
            'headers' => ['Authorization' => 'Bearer ' . ($this->token['access_token'] ?? '')],
        ]);
        $body = json_decode((string) $response->getBody());
        return ['state' => $this->token, 'result' => ['status' => $response->getStatusCode(), 'body' => $body]];
    }

    public function login_and_call(array $req): array
    {
        $this->login($req); // throws on an error answer: the call is never made
        return $this->call($req);
    }

    // GET users with Guzzle's 'query' option, then the element whose usr_username is the name
    // (filter matches part of a username, first or last name).
    public function find_user(array $req): array
    {
        $username = $req['options']['username'] ?? '';
        $url = pm3_api_url(['options' => ['resource' => 'users']] + $req);
        $response = $this->send('GET', $url, $req, [
            'headers' => ['Authorization' => 'Bearer ' . ($this->token['access_token'] ?? '')],
            'query' => ['filter' => $username],
        ]);
        $users = json_decode((string) $response->getBody());
        $found = null;
        foreach (is_array($users) ? $users : [] as $user) {
            if (($user->usr_username ?? null) === $username) {
                $found = $user;
                break;
            }
        }
        return ['state' => $this->token, 'result' => ['status' => $response->getStatusCode(), 'body' => $found]];
    }

    protected function grant(array $req, array $params): array
    {
        $c = $req['credentials'];
        $options = [];
        if (($req['options']['client_auth'] ?? 'body') === 'basic') {
            $options['auth'] = [$c['client_id'], $c['client_secret']];
        } else {
            $params += ['client_id' => $c['client_id'], 'client_secret' => $c['client_secret']];
        }
        $options[($req['options']['encoding'] ?? 'form') === 'json' ? 'json' : 'form_params'] = $params;
        $response = $this->send('POST', pm3_token_url($req), $req, $options);
        $token = json_decode((string) $response->getBody(), true);
        if (!is_array($token)) {
            throw new Pm3Failure('parse', ['status' => $response->getStatusCode(), 'message' => 'the answer is not JSON']);
        }
        if (isset($token['error'])) { // ProcessMaker's HTTP 200 error
            throw new Pm3Failure('oauth', [
                'error' => $token['error'],
                'error_description' => $token['error_description'] ?? null,
                'status' => $response->getStatusCode(),
            ]);
        }
        if (!isset($token['access_token'])) {
            throw new Pm3Failure('parse', ['message' => 'no access_token in the answer']);
        }
        $this->token = $token + ['refresh_token' => null];
        return ['state' => $this->token];
    }

    protected function send(string $method, string $url, array $req, array $options): ResponseInterface
    {
        $options['timeout'] = $req['options']['timeout'] ?? 30;
        try {
            return $this->http->request($method, $url, $options);
        } catch (ConnectException|RequestException $exc) {
            $errno = $exc->getHandlerContext()['errno'] ?? 0; // cURL's: the exchange broke
            $response = $exc instanceof RequestException ? $exc->getResponse() : null;
            if ($errno !== 0 || $response === null) {
                $kind = $errno === CURLE_OPERATION_TIMEDOUT ? 'timeout' : 'transport';
                throw new Pm3Failure($kind, ['message' => $exc->getMessage()]);
            }
            throw $this->failure($response);
        }
    }

    // A 4xx/5xx answer: an OAuth error object, Restler's {"error": {"code", "message"}}, or nothing.
    protected function failure(ResponseInterface $response): Pm3Failure
    {
        $status = $response->getStatusCode();
        $body = json_decode((string) $response->getBody(), true);
        $error = is_array($body) ? ($body['error'] ?? null) : null;
        if (is_string($error)) {
            return new Pm3Failure('oauth', [
                'error' => $error,
                'error_description' => $body['error_description'] ?? null,
                'status' => $status,
            ]);
        }
        return new Pm3Failure('http', [
            'status' => $status,
            'error' => is_array($error) ? ($error['code'] ?? null) : null,
            'error_description' => is_array($error) ? ($error['message'] ?? null) : null,
        ]);
    }
}

if (get_included_files()[0] === __FILE__) {
    pm3_serve(new GuzzleOAuthClient());
}
