<?php
// pm3-conformance driver kit for PHP: the JSON-lines protocol (schemas/driver-message.schema.json)
// in one file. Copy it next to your driver, require it, and hand pm3_serve() an object with:
//   public string $name;          e.g. "my-client 2.1"
//   public array $capabilities;   ['actions' => ['login', 'refresh', 'call'], 'timeout' => true, ...]
//   one public method per action (login, authorize_code, client_credentials, refresh, call), each
//   taking the request (an array) and returning ['state' => <token the client holds>] and, for
//   call, 'result' => ['status' => <int>, 'body' => <decoded body>].
// A method reports the client's failure by throwing Pm3Failure; anything else it throws is
// reported as kind "other". Protocol lines go to stdout, everything else to stderr.

declare(strict_types=1);

ini_set('display_errors', 'stderr'); // a PHP warning on stdout would break the protocol

final class Pm3Failure extends Exception
{
    /** @param string $kind oauth, http, transport, timeout, parse or other */
    public function __construct(public string $kind, public array $fields = [])
    {
        parent::__construct($fields['message'] ?? $kind);
    }
}

function pm3_token_url(array $req): string
{
    return rtrim($req['server'], '/') . '/' . $req['workspace'] . '/oauth2/token';
}

function pm3_api_url(array $req): string
{
    $resource = $req['options']['resource'] ?? 'users';
    return rtrim($req['server'], '/') . '/api/1.0/' . $req['workspace'] . '/' . $resource;
}

function pm3_state(array|object|null $token): array
{
    $token = (array) $token;
    $keys = ['access_token', 'refresh_token', 'expires_in', 'scope'];
    return array_intersect_key($token, array_flip($keys));
}

function pm3_write(array $line): void
{
    fwrite(STDOUT, json_encode($line, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE) . "\n");
    fflush(STDOUT);
}

function pm3_serve(object $client): void
{
    pm3_write(['type' => 'hello', 'name' => $client->name, 'capabilities' => $client->capabilities]);
    while (($line = fgets(STDIN)) !== false) {
        if (trim($line) === '') {
            continue;
        }
        $req = json_decode($line, true);
        $req['options'] ??= [];
        $out = ['type' => 'outcome', 'id' => $req['id']];
        try {
            if (!in_array($req['action'], $client->capabilities['actions'], true)) {
                throw new Pm3Failure('other', ['message' => "{$req['action']} is not implemented"]);
            }
            $answer = $client->{$req['action']}($req);
            $out['ok'] = true;
            $out['state'] = (object) pm3_state($answer['state'] ?? []);
            if (isset($answer['result'])) {
                $out['result'] = $answer['result'];
            }
        } catch (Pm3Failure $failure) {
            $out['ok'] = false;
            $out['error'] = ['kind' => $failure->kind] + $failure->fields;
        } catch (Throwable $exc) { // the client blew up: its failure, reported as such
            $out['ok'] = false;
            $out['error'] = ['kind' => 'other', 'message' => get_class($exc) . ': ' . $exc->getMessage()];
        }
        pm3_write($out);
    }
}
