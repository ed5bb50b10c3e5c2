/** The target routes' descriptions, part of OPERATIONS (operations.ts). */
import { ADMIN_ERRORS, BODY_ERRORS, err, type Operation } from "./operation-types.ts";
import { CreateTargetSchema, RotateSecretSchema, UpdateTargetSchema } from "./requests.ts";

export const TARGET_OPERATIONS: readonly Operation[] = [
  {
    method: "get",
    path: "/api/targets",
    summary: "Every target; secrets never, header and query values masked.",
    tag: "targets",
    auth: "bearer",
    responses: {
      200: { description: "The targets, oldest first.", schema: "TargetList" },
      ...ADMIN_ERRORS,
    },
  },
  {
    method: "post",
    path: "/api/targets",
    summary: "Creates a target; its secret (given or generated) is shown here only.",
    tag: "targets",
    auth: "bearer",
    body: CreateTargetSchema,
    responses: {
      201: { description: "The target and its secret.", schema: "CreatedTarget" },
      ...BODY_ERRORS,
      409: err("`too_many_targets`"),
      ...ADMIN_ERRORS,
    },
  },
  {
    method: "get",
    path: "/api/targets/{id}",
    summary: "One target.",
    tag: "targets",
    auth: "bearer",
    responses: {
      200: { description: "The target.", schema: "OneTarget" },
      404: err("`not_found`"),
      ...ADMIN_ERRORS,
    },
  },
  {
    method: "patch",
    path: "/api/targets/{id}",
    summary: "Changes any of a target's fields; `enabled` pauses or resumes it.",
    tag: "targets",
    auth: "bearer",
    body: UpdateTargetSchema,
    responses: {
      200: { description: "The target as changed.", schema: "OneTarget" },
      ...BODY_ERRORS,
      404: err("`not_found`"),
      ...ADMIN_ERRORS,
    },
  },
  {
    method: "delete",
    path: "/api/targets/{id}",
    summary: "Removes a target; its pending deliveries are marked failed.",
    tag: "targets",
    auth: "bearer",
    responses: {
      204: { description: "Removed.", mediaType: null },
      404: err("`not_found`"),
      ...ADMIN_ERRORS,
    },
  },
  {
    method: "post",
    path: "/api/targets/{id}/rotate-secret",
    summary: "A new secret signs from now on; every old one keeps signing for 24 h.",
    tag: "targets",
    auth: "bearer",
    body: RotateSecretSchema,
    responses: {
      201: { description: "The new secret, shown once.", schema: "RotatedSecret" },
      ...BODY_ERRORS,
      404: err("`not_found`"),
      409: err("`too_many_secrets`: 10 old secrets are still signing"),
      ...ADMIN_ERRORS,
    },
  },
  {
    method: "post",
    path: "/api/targets/{id}/test",
    summary:
      "Sends one signed sample delivery (a message-received event) now, whatever the target's state; nothing is stored.",
    tag: "targets",
    auth: "bearer",
    responses: {
      200: {
        description: "What the target answered (statusCode null: no answer).",
        schema: "TargetTest",
      },
      404: err("`not_found`"),
      ...ADMIN_ERRORS,
    },
  },
];
