import { Type } from '@sinclair/typebox';
import {
  AlertRule,
  AlertRuleInput,
  AlertState,
  WebhookInput,
  WebhookRegistration,
} from '@wadm/contracts';
import { ProblemCode as C } from '../problem.js';
import {
  JSON_BODY_PROBLEMS,
  json,
  plain,
  problems,
  ref,
  type ApiArea,
  type Json,
} from './common.js';

const idParam = (name: string): Json => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
});
const ok = (description: string, schema: string) => ({ description, content: json(ref(schema)) });
const created = (schema: string) => ({
  ...ok('Created', schema),
  headers: { Location: { required: true, schema: { type: 'string' } } },
});

/** A rule's body is refused for its schema (400) or for a channel not the owner's (403). */
const ruleProblems = [JSON_BODY_PROBLEMS, { 400: [C.VALIDATION_FAILED], 403: [C.FORBIDDEN] }];

function webhookPaths(): Record<string, Json> {
  const found = { 404: [C.WEBHOOK_NOT_FOUND] };
  return {
    '/api/v1/webhooks': {
      get: {
        operationId: 'list_webhooks',
        tags: ['webhooks'],
        summary: "The caller's registered webhook destinations (an admin's: everyone's)",
        responses: { '200': ok('Webhooks, without their secrets', 'WebhookList'), ...problems() },
      },
      post: {
        operationId: 'register_webhook',
        tags: ['webhooks'],
        summary:
          'Register a destination; the answer carries its signing secret, shown this once. ' +
          'Private, loopback and link-local addresses are refused unless WADM_WEBHOOK_ALLOW lists them',
        requestBody: { required: true, content: json(ref('WebhookInput')) },
        responses: {
          '201': created('WebhookRegistration'),
          ...problems(JSON_BODY_PROBLEMS, {
            400: [C.VALIDATION_FAILED, C.WEBHOOK_ADDRESS_REFUSED],
            429: [C.WEBHOOK_LIMIT_EXCEEDED],
          }),
        },
      },
    },
    '/api/v1/webhooks/{webhook_id}': {
      parameters: [idParam('webhook_id')],
      get: {
        operationId: 'get_webhook',
        tags: ['webhooks'],
        summary: 'A registered destination, without its secret',
        responses: { '200': ok('The webhook', 'WebhookView'), ...problems(found) },
      },
      delete: {
        operationId: 'delete_webhook',
        tags: ['webhooks'],
        summary: 'Delete a destination; tasks still naming it fail instead of posting',
        responses: { '204': { description: 'Deleted' }, ...problems(found) },
      },
    },
  };
}

function alertPaths(): Record<string, Json> {
  const found = { 404: [C.ALERT_NOT_FOUND] };
  return {
    '/api/v1/alerts': {
      get: {
        operationId: 'list_alerts',
        tags: ['alerts'],
        summary: "The caller's alert rules (an admin's: everyone's)",
        responses: { '200': ok('Alert rules', 'AlertList'), ...problems() },
      },
      post: {
        operationId: 'create_alert',
        tags: ['alerts'],
        summary:
          "Create a rule: email goes to the caller's own address (the token's email claim), " +
          'a webhook to one the caller registered',
        requestBody: { required: true, content: json(ref('AlertRuleInput')) },
        responses: {
          '201': created('AlertRule'),
          ...problems(...ruleProblems, { 429: [C.ALERT_LIMIT_EXCEEDED] }),
        },
      },
    },
    '/api/v1/alerts/{alert_id}': {
      parameters: [idParam('alert_id')],
      get: {
        operationId: 'get_alert',
        tags: ['alerts'],
        summary: 'A rule with its last evaluation state (null before the first)',
        responses: { '200': ok('The rule', 'AlertRuleWithState'), ...problems(found) },
      },
      put: {
        operationId: 'replace_alert',
        tags: ['alerts'],
        summary: 'Replace a rule; its evaluation starts afresh, its cool-down still holds',
        requestBody: { required: true, content: json(ref('AlertRuleInput')) },
        responses: {
          '200': ok('Replaced', 'AlertRule'),
          ...problems(found, ...ruleProblems, { 409: [C.WRITE_CONFLICT] }),
        },
      },
      delete: {
        operationId: 'delete_alert',
        tags: ['alerts'],
        summary: 'Delete a rule and its state',
        responses: { '204': { description: 'Deleted' }, ...problems(found) },
      },
    },
  };
}

export function alertsArea(): ApiArea {
  const view = Type.Omit(WebhookRegistration, ['secret']);
  return {
    tags: [
      { name: 'webhooks', description: "Users' webhook destinations, each with its own secret" },
      { name: 'alerts', description: 'Price and indicator alert rules' },
    ],
    paths: { ...webhookPaths(), ...alertPaths() },
    schemas: {
      WebhookInput: plain(WebhookInput),
      WebhookRegistration: plain(WebhookRegistration),
      WebhookView: plain(view),
      WebhookList: {
        type: 'object',
        required: ['webhooks'],
        properties: { webhooks: { type: 'array', items: ref('WebhookView') } },
      },
      AlertRuleInput: plain(AlertRuleInput),
      AlertRule: plain(AlertRule),
      AlertRuleWithState: {
        allOf: [
          ref('AlertRule'),
          {
            type: 'object',
            required: ['state'],
            properties: { state: { anyOf: [plain(AlertState), { type: 'null' }] } },
          },
        ],
      },
      AlertList: {
        type: 'object',
        required: ['alerts'],
        properties: { alerts: { type: 'array', items: ref('AlertRule') } },
      },
    },
  };
}
