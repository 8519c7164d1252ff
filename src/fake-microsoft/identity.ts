// The fake's token endpoint (microsoft-apis.md §1): the device-code sign-in and the refresh-token grant, with
// the refusals collect must survive (an idle or revoked refresh token, a wrong client secret, a tenant without
// consent, an AADSTS code switched on for a tenant). Every exchange rotates the refresh token, as Entra ID does.
import { randomBytes } from 'node:crypto';
import { aadstsRefusal } from './answers.js';
import type { DeviceGrant, FakeState } from './state.js';

const DAY_MS = 86_400_000;
const REFRESH_TOKEN_IDLE_MS = 90 * DAY_MS;
const ACCESS_TOKEN_SECONDS = 3599;
const DEVICE_CODE_SECONDS = 900;

/** A token endpoint's answer: its status and JSON body. */
type TokenAnswer = [number, unknown];
/** The signed-in user a grant stands for, or the refusal. */
type GrantOutcome = { user: string } | { refusal: TokenAnswer };

function b64url(s: string): string {
  return Buffer.from(s).toString('base64url');
}

/** An AADSTS refusal in the token endpoint's shape, its trace and timestamps on the fake's clock. */
function refusal(state: FakeState, error: string, code: number, text: string): { refusal: TokenAnswer } {
  const trace = randomBytes(8).toString('hex');
  const timestamp = new Date(state.clockMs).toISOString();
  return {
    refusal: [
      error === 'invalid_client' ? 401 : 400,
      {
        error,
        error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${trace}\r\nCorrelation ID: ${trace}\r\nTimestamp: ${timestamp}`,
        error_codes: [code],
        timestamp,
        trace_id: trace,
        correlation_id: trace,
        error_uri: `https://login.microsoftonline.com/error?code=${code}`,
      },
    ],
  };
}

/** A refresh token as an earlier interactive sign-in would have left it. */
export function issueRefreshToken(state: FakeState, user: string, lastUsedMs: number): string {
  const token = `0.AR${randomBytes(24).toString('base64url')}`;
  state.refresh.set(token, { user, lastUsedMs });
  state.issuedRefreshTokens.push(token);
  return token;
}

function deviceCodeGrant(state: FakeState, form: URLSearchParams): GrantOutcome {
  const deviceCode = form.get('device_code') ?? '';
  const grant: DeviceGrant | undefined = state.devices.get(deviceCode);
  if (!grant)
    return {
      refusal: [
        400,
        { error: 'bad_verification_code', error_description: 'AADSTS70019: unknown device code' },
      ],
    };
  if (grant.expiresMs <= state.clockMs)
    return {
      refusal: [
        400,
        {
          error: 'expired_token',
          error_description:
            'AADSTS70020: The provided value for the input parameter device_code is not valid. This device code has expired.',
        },
      ],
    };
  grant.polls++;
  if (!grant.approved && grant.polls > (state.options.deviceApproveAfterPolls ?? 1)) grant.approved = true;
  if (!grant.approved)
    return {
      refusal: [
        400,
        {
          error: 'authorization_pending',
          error_description:
            'AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
        },
      ],
    };
  state.devices.delete(deviceCode);
  return { user: state.partnerUser };
}

function refreshTokenGrant(state: FakeState, tenant: string, form: URLSearchParams): GrantOutcome {
  const { options, faults } = state;
  if (options.clientSecret !== undefined && form.get('client_secret') !== options.clientSecret)
    return refusal(state, 'invalid_client', 7000215, 'Invalid client secret provided.');
  const grant = state.refresh.get(form.get('refresh_token') ?? '');
  if (!grant)
    return refusal(state, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
  if (grant.revoked)
    return refusal(
      state,
      'invalid_grant',
      50173,
      'The provided grant has expired due to it being revoked, a fresh auth token is needed.',
    );
  if (faults.expiredRefreshToken || state.clockMs - grant.lastUsedMs > REFRESH_TOKEN_IDLE_MS)
    return refusal(
      state,
      'invalid_grant',
      700082,
      'The refresh token has expired due to inactivity. The token was issued on a date and was inactive for 90.00:00:00.',
    );
  const code = faults.tokenError.get(tenant);
  if (code !== undefined) return refusal(state, ...aadstsRefusal(code));
  if (!options.portfolio.tenants.has(tenant) && tenant !== options.partnerTenantId.toLowerCase())
    return refusal(state, ...aadstsRefusal(65001));
  grant.lastUsedMs = state.clockMs;
  return { user: grant.user };
}

/** A new access token for the tenant and scope, a rotated refresh token, and an id token naming the user. */
function issueTokens(state: FakeState, tenant: string, scope: string, user: string): TokenAnswer {
  const access = `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}`;
  state.access.set(access, { tenant, scope, expiresMs: state.clockMs + ACCESS_TOKEN_SECONDS * 1000 });
  state.issuedAccessTokens.push(access);
  const refresh = issueRefreshToken(state, user, state.clockMs);
  const idToken = [
    b64url(JSON.stringify({ typ: 'JWT', alg: 'none' })),
    b64url(
      JSON.stringify({ tid: state.options.partnerTenantId, preferred_username: user, name: 'Partner Admin' }),
    ),
    '',
  ].join('.');
  return [
    200,
    {
      token_type: 'Bearer',
      scope,
      expires_in: ACCESS_TOKEN_SECONDS,
      ext_expires_in: ACCESS_TOKEN_SECONDS,
      access_token: access,
      refresh_token: refresh,
      id_token: idToken,
    },
  ];
}

export function tokenEndpoint(state: FakeState, tenant: string, form: URLSearchParams): TokenAnswer {
  if (form.get('client_id') !== state.clientId)
    return refusal(
      state,
      'unauthorized_client',
      700016,
      `Application with identifier '${form.get('client_id')}' was not found in the directory.`,
    ).refusal;
  const grantType = form.get('grant_type');
  const scope = (form.get('scope') ?? '').split(' ').find((s) => s.endsWith('/.default')) ?? '';
  const outcome =
    grantType === 'urn:ietf:params:oauth:grant-type:device_code'
      ? deviceCodeGrant(state, form)
      : grantType === 'refresh_token'
        ? refreshTokenGrant(state, tenant, form)
        : refusal(
            state,
            'unsupported_grant_type',
            70003,
            `The app requested an unsupported grant type '${grantType}'.`,
          );
  if ('refusal' in outcome) return outcome.refusal;
  return issueTokens(state, tenant, scope, outcome.user);
}

export function deviceCodeEndpoint(state: FakeState, form: URLSearchParams): TokenAnswer {
  if (form.get('client_id') !== state.clientId)
    return [400, { error: 'unauthorized_client', error_description: 'AADSTS700016: application not found' }];
  const deviceCode = randomBytes(24).toString('base64url');
  const userCode = randomBytes(5).toString('hex').toUpperCase().slice(0, 9);
  state.devices.set(deviceCode, {
    userCode,
    polls: 0,
    approved: false,
    expiresMs: state.clockMs + DEVICE_CODE_SECONDS * 1000,
    scope: form.get('scope') ?? '',
  });
  const verification = 'https://microsoft.com/devicelogin';
  return [
    200,
    {
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: verification,
      expires_in: DEVICE_CODE_SECONDS,
      interval: state.options.deviceInterval ?? 5,
      message: `To sign in, use a web browser to open the page ${verification} and enter the code ${userCode} to authenticate.`,
    },
  ];
}
