// Generated from packages/contract/openapi.yaml by scripts/gen-contract.mjs. Do not edit: run `pnpm gen`.

export const contractVersion = "1.0.0";

/** The tool-name pattern and length of the contract (ToolNameString): the gateway checks names with these. */
export const toolNamePattern = "^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$";
export const toolNameMaxLength = 256;

export const contract = {
  "openapi": "3.1.0",
  "info": {
    "title": "ActPass API",
    "version": "1.0.0",
    "summary": "Decide before an AI agent acts; seal every decision in a tamper-evident ledger.",
    "description": "ActPass sits between AI agents and the tools they call. Before a state-changing or outbound action\nruns, the agent asks for a decision (`allow`, `deny`, `require_approval`, `require_tool_reapproval`,\n`warn`). Every decision carries a typed reason code and is sealed into a per-tenant, hash-chained\nevidence ledger.\n\n**Tenancy.** An API key maps, server-side, to exactly one tenant and a set of roles (`agent`,\n`approver`, `admin`, and `proxy` for the enforcing proxy). The `x-actpass-tenant` header and any `tenant_id` in a body are hints only: a\nmismatch is `403 auth.tenant_mismatch`. A foreign object id answers `404`, never `403`.\n\n**Errors** share one shape, `{error: {code, message, request_id, details?}}`. Unknown fields in a\nrequest body are rejected with `400 request.invalid` naming the field.\n\n**Idempotency.** Every POST accepts `Idempotency-Key`. The same key with the same body within 24 h\nreturns the stored response; the same key with another body is `409 request.idempotency_conflict`.\n\n**Reason codes.** Policy rules choose their own reason codes, so `reason_code` is an open string.\nThe fixed catalogue is the `FixedReasonCode` schema.\n",
    "license": {
      "name": "Apache-2.0",
      "identifier": "Apache-2.0"
    },
    "contact": {
      "name": "ActPass",
      "email": "security@actpass.org"
    }
  },
  "servers": [
    {
      "url": "http://127.0.0.1:8787",
      "description": "Embedded gateway started by `actpass dev`"
    }
  ],
  "x-json-schema-faker": {
    "max-items": 5
  },
  "security": [
    {
      "bearerAuth": []
    }
  ],
  "tags": [
    {
      "name": "actions",
      "description": "Decide one action before it runs."
    },
    {
      "name": "passports",
      "description": "Short-lived, goal-scoped, single-use Ed25519 action passports."
    },
    {
      "name": "approvals",
      "description": "Human approval of held actions."
    },
    {
      "name": "evidence",
      "description": "The per-tenant hash-chained evidence ledger."
    },
    {
      "name": "tools",
      "description": "Approved tool definitions and drift detection."
    },
    {
      "name": "credentials",
      "description": "The envelope-encrypted credential vault."
    },
    {
      "name": "policy",
      "description": "The tenant's policy."
    },
    {
      "name": "keys",
      "description": "Public keys for passports and evidence exports."
    },
    {
      "name": "reports",
      "description": "What the recorded decisions say, for the people rolling ActPass out."
    },
    {
      "name": "identity",
      "description": "Who the presented API key is."
    },
    {
      "name": "sign-in",
      "description": "People sign in through an OpenID provider (authorization code with PKCE) for the console and the approver and admin API. These operations are marked `x-console-only`; the SDKs do not call them."
    },
    {
      "name": "suspensions",
      "description": "The kill switch. Stop an agent, a user, a tool glob or the whole tenant at once."
    },
    {
      "name": "webhooks",
      "description": "Signed notifications of approvals and blocked actions, and their delivery log."
    },
    {
      "name": "health",
      "description": "Liveness."
    }
  ],
  "paths": {
    "/api/v1/actions/preflight": {
      "post": {
        "operationId": "preflight",
        "tags": [
          "actions"
        ],
        "summary": "Decide one action",
        "description": "Pipeline, first failure wins: authenticate key, validate request, approval (when\n`approval_request_id` is given) or else passport (when given, or required in `strict`), tool\ndrift, policy, record the decision in the ledger, respond.\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          },
          {
            "$ref": "#/components/parameters/AgentKey"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PreflightRequest"
              },
              "examples": {
                "refund": {
                  "summary": "A $49.00 refund",
                  "value": {
                    "goal": "resolve_refund_request",
                    "tool": "stripe.refund.create",
                    "resource": "stripe:charge:ch_123",
                    "args": {
                      "amount": 4900,
                      "currency": "usd"
                    },
                    "mode": "enforce",
                    "agent_id": "support_agent"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The decision. Every decision, whatever its value, is answered with 200.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Decision"
                },
                "examples": {
                  "allow": {
                    "summary": "Allowed",
                    "value": {
                      "decision": "allow",
                      "reason_code": "refund.small_in_scope",
                      "risk_tier": "low",
                      "mode": "enforce",
                      "enforced": true,
                      "source": "gateway",
                      "explain": {
                        "summary": "Refunds up to $100.00 are allowed.",
                        "matched_rules": [
                          "refund-small"
                        ],
                        "next_steps": []
                      },
                      "evidence_event_id": "ev_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                      "action_hash": "9f2c1d0b7a6e5f4c3b2a19080706050403020100ffeeddccbbaa998877665544",
                      "policy": {
                        "id": "refunds",
                        "version": 1,
                        "hash": "3b1f0e2d4c5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
                      },
                      "request_id": "req_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                      "decided_at": "2026-11-23T18:00:00.000Z"
                    }
                  },
                  "require_approval": {
                    "summary": "Held for approval",
                    "value": {
                      "decision": "require_approval",
                      "reason_code": "refund.medium_needs_approval",
                      "risk_tier": "medium",
                      "mode": "enforce",
                      "enforced": true,
                      "source": "gateway",
                      "explain": {
                        "summary": "Refunds over $100.00 up to $500.00 need a human approval.",
                        "matched_rules": [
                          "refund-medium"
                        ],
                        "next_steps": [
                          "Ask an approver to approve apr_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                          "then re-run preflight with approval_request_id."
                        ]
                      },
                      "evidence_event_id": "ev_01J9Z8Q4M5N6P7R8S9T0V1W2X4",
                      "approval_request_id": "apr_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                      "action_hash": "1f2c1d0b7a6e5f4c3b2a19080706050403020100ffeeddccbbaa998877665544",
                      "policy": {
                        "id": "refunds",
                        "version": 1,
                        "hash": "3b1f0e2d4c5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
                      },
                      "request_id": "req_01J9Z8Q4M5N6P7R8S9T0V1W2X4",
                      "decided_at": "2026-11-23T18:00:01.000Z"
                    }
                  },
                  "monitor_deny": {
                    "summary": "Observed in monitor mode",
                    "value": {
                      "decision": "deny",
                      "would_decision": "deny",
                      "reason_code": "refund.large_denied",
                      "risk_tier": "high",
                      "mode": "monitor",
                      "enforced": false,
                      "source": "gateway",
                      "explain": {
                        "summary": "Refunds over $500.00 are denied.",
                        "matched_rules": [
                          "refund-large"
                        ],
                        "next_steps": []
                      },
                      "evidence_event_id": "ev_01J9Z8Q4M5N6P7R8S9T0V1W2X5",
                      "action_hash": "2f2c1d0b7a6e5f4c3b2a19080706050403020100ffeeddccbbaa998877665544",
                      "policy": {
                        "id": "refunds",
                        "version": 1,
                        "hash": "3b1f0e2d4c5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
                      },
                      "request_id": "req_01J9Z8Q4M5N6P7R8S9T0V1W2X5",
                      "decided_at": "2026-11-23T18:00:02.000Z"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/passports": {
      "post": {
        "operationId": "issuePassport",
        "tags": [
          "passports"
        ],
        "summary": "Issue a passport",
        "description": "Signs a short-lived, single-use passport that scopes one agent task to tools, resources and argument limits; the agent presents it with the action at preflight. An agent key bound to an agent id can only issue for that agent.",
        "parameters": [
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/IssuePassportRequest"
              },
              "examples": {
                "refund": {
                  "value": {
                    "audience": "mcp://stripe-production",
                    "goal": "resolve_refund_request",
                    "allowed_tools": [
                      "stripe.refund.create"
                    ],
                    "allowed_resources": [
                      "stripe:charge:ch_123"
                    ],
                    "resource_constraints": {
                      "max_amount": 10000,
                      "currency": "usd"
                    },
                    "ttl_seconds": 300
                  }
                }
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The signed passport.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/IssuedPassport"
                },
                "examples": {
                  "issued": {
                    "value": {
                      "token": "eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIiwidHlwIjoiYWN0cGFzcy1wYXNzcG9ydCtqd3QifQ.eyJqdGkiOiJhcF8xIn0.c2lnbmF0dXJl",
                      "jti": "ap_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                      "expires_at": "2026-11-23T18:05:00.000Z",
                      "claims": {
                        "iss": "actpass-gateway",
                        "aud": "mcp://stripe-production",
                        "tenant_id": "acme",
                        "agent_id": "support_agent",
                        "user_id": null,
                        "goal": "resolve_refund_request",
                        "allowed_tools": [
                          "stripe.refund.create"
                        ],
                        "allowed_resources": [
                          "stripe:charge:ch_123"
                        ],
                        "resource_constraints": {
                          "max_amount": 10000,
                          "currency": "usd"
                        },
                        "risk_tier": "medium",
                        "approval_hash": null,
                        "iat": 1795284000,
                        "nbf": 1795284000,
                        "exp": 1795284300,
                        "jti": "ap_01J9Z8Q4M5N6P7R8S9T0V1W2X3"
                      }
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/passports/verify": {
      "post": {
        "operationId": "verifyPassport",
        "tags": [
          "passports"
        ],
        "summary": "Verify a passport without consuming it",
        "description": "Runs the preflight checks on a token (signature, issuer, audience, tenant, time, revocation, and optionally a tool, resource and args) without marking it used.",
        "parameters": [
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/VerifyPassportRequest"
              },
              "examples": {
                "verify": {
                  "value": {
                    "token": "eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIiwidHlwIjoiYWN0cGFzcy1wYXNzcG9ydCtqd3QifQ.eyJqdGkiOiJhcF8xIn0.c2lnbmF0dXJl",
                    "audience": "mcp://stripe-production"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The verification result. An invalid token is a 200 with `valid` false and a reason code.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PassportVerification"
                },
                "examples": {
                  "invalid": {
                    "value": {
                      "valid": false,
                      "reason_code": "passport.expired",
                      "message": "The passport expired at 2026-11-23T18:05:00.000Z."
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/passports/{jti}/revoke": {
      "post": {
        "operationId": "revokePassport",
        "tags": [
          "passports"
        ],
        "summary": "Revoke a passport",
        "description": "Marks a passport revoked, so a preflight that presents it is denied `passport.revoked`. Revoking one that is already revoked is not an error. Needs the `agent` role (a key bound to an agent id revokes only that agent's passports) or the `admin` role (any passport of the tenant); the `passport.revoked` event records the key that revoked it.",
        "parameters": [
          {
            "$ref": "#/components/parameters/Jti"
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/RevokePassportRequest"
              },
              "examples": {
                "ended": {
                  "value": {
                    "reason": "session ended"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The passport is revoked (revoking twice is not an error).",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PassportRevocation"
                },
                "examples": {
                  "revoked": {
                    "value": {
                      "jti": "ap_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                      "revoked": true,
                      "reason": "session ended",
                      "revoked_at": "2026-11-23T18:01:00.000Z"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/suspensions": {
      "post": {
        "operationId": "createSuspension",
        "tags": [
          "suspensions"
        ],
        "summary": "Suspend an agent, a user, a tool glob or the tenant",
        "description": "Needs the `admin` role. From now until it is resumed (or `until` passes), every preflight in\nscope answers `deny` with `suspended.agent`, `suspended.user`, `suspended.tool` or\n`suspended.tenant` in every mode except `monitor` (which answers the same with\n`enforced: false`); every gateway process sharing the store applies it within one second.\nHeld actions in scope cannot be approved (`409` with the same code) and an approved one\ncannot be re-run. Sealed in the ledger as `suspension.created` with the admin's key.\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/CreateSuspensionRequest"
              },
              "examples": {
                "agent": {
                  "value": {
                    "scope": "agent",
                    "match": "support_agent",
                    "reason": "Refund loop on ticket 4411",
                    "until": "2026-11-23T20:00:00Z"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The suspension, in force.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Suspension"
                },
                "examples": {
                  "agent": {
                    "value": {
                      "id": "sus_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                      "scope": "agent",
                      "match": "support_agent",
                      "reason": "Refund loop on ticket 4411",
                      "status": "active",
                      "created_at": "2026-11-23T18:05:00.000Z",
                      "created_by": "key_admin",
                      "until": "2026-11-23T20:00:00.000Z"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "get": {
        "operationId": "listSuspensions",
        "tags": [
          "suspensions"
        ],
        "summary": "List suspensions",
        "description": "Needs the `admin` or `approver` role. Newest first.",
        "parameters": [
          {
            "$ref": "#/components/parameters/TenantHint"
          },
          {
            "name": "status",
            "in": "query",
            "required": false,
            "description": "`active` (default) lists those in force; `all` adds resumed and expired ones.",
            "schema": {
              "type": "string",
              "enum": [
                "active",
                "all"
              ],
              "default": "active"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 500,
              "default": 100
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Suspensions, newest first.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SuspensionList"
                },
                "examples": {
                  "one": {
                    "value": {
                      "items": [
                        {
                          "id": "sus_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                          "scope": "tool",
                          "match": "stripe.refund.*",
                          "reason": "Upstream refund bug",
                          "status": "active",
                          "created_at": "2026-11-23T18:05:00.000Z",
                          "created_by": "key_admin"
                        }
                      ]
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/suspensions/{id}": {
      "get": {
        "operationId": "getSuspension",
        "tags": [
          "suspensions"
        ],
        "summary": "Read one suspension",
        "description": "Needs the `admin` or `approver` role.",
        "parameters": [
          {
            "$ref": "#/components/parameters/SuspensionId"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "responses": {
          "200": {
            "description": "The suspension.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Suspension"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "delete": {
        "operationId": "resumeSuspension",
        "tags": [
          "suspensions"
        ],
        "summary": "Resume (end a suspension)",
        "description": "Needs the `admin` role. Ends the suspension at once on every process (within one second);\nsealed in the ledger as `suspension.resumed` with the admin's key. Resuming one that already\nended (resumed or expired) answers it unchanged.\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/SuspensionId"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "responses": {
          "200": {
            "description": "The suspension, ended.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Suspension"
                },
                "examples": {
                  "resumed": {
                    "value": {
                      "id": "sus_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                      "scope": "agent",
                      "match": "support_agent",
                      "reason": "Refund loop on ticket 4411",
                      "status": "resumed",
                      "created_at": "2026-11-23T18:05:00.000Z",
                      "created_by": "key_admin",
                      "resumed_at": "2026-11-23T18:20:00.000Z",
                      "resumed_by": "key_admin"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/approvals": {
      "get": {
        "operationId": "listApprovals",
        "tags": [
          "approvals"
        ],
        "summary": "List approval requests",
        "description": "Needs the `approver` role.",
        "parameters": [
          {
            "$ref": "#/components/parameters/TenantHint"
          },
          {
            "name": "status",
            "in": "query",
            "required": false,
            "schema": {
              "$ref": "#/components/schemas/ApprovalStatus"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 500,
              "default": 100
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Approval requests, newest first.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ApprovalList"
                },
                "examples": {
                  "pending": {
                    "value": {
                      "items": [
                        {
                          "id": "apr_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                          "status": "pending",
                          "action": {
                            "tenant_id": "acme",
                            "agent_id": "support_agent",
                            "user_id": null,
                            "goal": "resolve_refund_request",
                            "tool": "stripe.refund.create",
                            "resource": "stripe:charge:ch_456",
                            "args": {
                              "amount": 25000,
                              "currency": "usd"
                            }
                          },
                          "action_hash": "1f2c1d0b7a6e5f4c3b2a19080706050403020100ffeeddccbbaa998877665544",
                          "reason_code": "refund.medium_needs_approval",
                          "risk_tier": "medium",
                          "created_at": "2026-11-23T18:00:01.000Z",
                          "expires_at": "2026-11-24T18:00:01.000Z"
                        }
                      ]
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/approvals/{id}": {
      "get": {
        "operationId": "getApproval",
        "tags": [
          "approvals"
        ],
        "summary": "Read one approval request",
        "description": "Agents may read the approval requests their own decisions created; approvers may read any of the tenant's.",
        "parameters": [
          {
            "$ref": "#/components/parameters/ApprovalId"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "responses": {
          "200": {
            "description": "The approval request.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ApprovalRequest"
                },
                "examples": {
                  "approved": {
                    "value": {
                      "id": "apr_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                      "status": "approved",
                      "action": {
                        "tenant_id": "acme",
                        "agent_id": "support_agent",
                        "user_id": null,
                        "goal": "resolve_refund_request",
                        "tool": "stripe.refund.create",
                        "resource": "stripe:charge:ch_456",
                        "args": {
                          "amount": 25000,
                          "currency": "usd"
                        }
                      },
                      "action_hash": "1f2c1d0b7a6e5f4c3b2a19080706050403020100ffeeddccbbaa998877665544",
                      "reason_code": "refund.medium_needs_approval",
                      "risk_tier": "medium",
                      "created_at": "2026-11-23T18:00:01.000Z",
                      "expires_at": "2026-11-24T18:00:01.000Z",
                      "decided_by": "key_approver",
                      "decided_at": "2026-11-23T18:02:00.000Z",
                      "note": "Customer confirmed by phone."
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/approvals/{id}/approve": {
      "post": {
        "operationId": "approveApproval",
        "tags": [
          "approvals"
        ],
        "summary": "Approve a pending request",
        "description": "Needs the `approver` role. Only a `pending` request can be approved (`409` otherwise).",
        "parameters": [
          {
            "$ref": "#/components/parameters/ApprovalId"
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ApprovalDecisionRequest"
              },
              "examples": {
                "note": {
                  "value": {
                    "note": "Customer confirmed by phone."
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The approval request after the decision.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ApprovalRequest"
                },
                "examples": {
                  "approved": {
                    "value": {
                      "id": "apr_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                      "status": "approved",
                      "action": {
                        "tenant_id": "acme",
                        "agent_id": "support_agent",
                        "user_id": null,
                        "goal": "resolve_refund_request",
                        "tool": "stripe.refund.create",
                        "resource": "stripe:charge:ch_456",
                        "args": {
                          "amount": 25000,
                          "currency": "usd"
                        }
                      },
                      "action_hash": "1f2c1d0b7a6e5f4c3b2a19080706050403020100ffeeddccbbaa998877665544",
                      "reason_code": "refund.medium_needs_approval",
                      "risk_tier": "medium",
                      "created_at": "2026-11-23T18:00:01.000Z",
                      "expires_at": "2026-11-24T18:00:01.000Z",
                      "decided_by": "key_approver",
                      "decided_at": "2026-11-23T18:02:00.000Z",
                      "note": "Customer confirmed by phone."
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/approvals/{id}/deny": {
      "post": {
        "operationId": "denyApproval",
        "tags": [
          "approvals"
        ],
        "summary": "Deny a pending request",
        "description": "Needs the `approver` role. Only a `pending` request can be denied (`409` otherwise).",
        "parameters": [
          {
            "$ref": "#/components/parameters/ApprovalId"
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ApprovalDecisionRequest"
              },
              "examples": {
                "note": {
                  "value": {
                    "note": "Refund already issued by hand."
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The approval request after the decision.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ApprovalRequest"
                },
                "examples": {
                  "denied": {
                    "value": {
                      "id": "apr_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                      "status": "denied",
                      "action": {
                        "tenant_id": "acme",
                        "agent_id": "support_agent",
                        "user_id": null,
                        "goal": "resolve_refund_request",
                        "tool": "stripe.refund.create",
                        "resource": "stripe:charge:ch_456",
                        "args": {
                          "amount": 25000,
                          "currency": "usd"
                        }
                      },
                      "action_hash": "1f2c1d0b7a6e5f4c3b2a19080706050403020100ffeeddccbbaa998877665544",
                      "reason_code": "refund.medium_needs_approval",
                      "risk_tier": "medium",
                      "created_at": "2026-11-23T18:00:01.000Z",
                      "expires_at": "2026-11-24T18:00:01.000Z",
                      "decided_by": "key_approver",
                      "decided_at": "2026-11-23T18:02:00.000Z",
                      "note": "Refund already issued by hand."
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/evidence": {
      "post": {
        "operationId": "recordEvidence",
        "tags": [
          "evidence"
        ],
        "summary": "Record a custom evidence event",
        "description": "Appends an event of the given type to the tenant's ledger. Types the gateway writes itself\n(`decision`, `approval.*`, `passport.*`, `tool.approved`, `credential.*`, `policy.updated`) are\nreserved and rejected here, so an agent cannot forge them. Never put secret values in `data`.\n\n`action.outcome` (the record the SDKs' `guard()` and the enforcing proxies write after an\naction) must name its decision in `data.decision_event_id` or `data.evidence_event_id` (both\nonly if equal): a `decision` event of this tenant written for the calling key. Anything else\n(another key's or tenant's decision, an id that never existed, an event that is not a decision)\nis refused with one and the same 400 naming that field, as for `outcomes` on a preflight. A\nsecond outcome for a decision that already has one is recorded beside it, not refused: the\nSDKs and proxies send one per decision (their retries reuse the Idempotency-Key), and finding\nan earlier outcome would mean reading the tenant's whole ledger.\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/RecordEvidenceRequest"
              },
              "examples": {
                "outcome": {
                  "value": {
                    "type": "action.outcome",
                    "data": {
                      "evidence_event_id": "ev_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                      "tool": "stripe.refund.create",
                      "outcome": "ok",
                      "duration_ms": 182,
                      "result_sha256": "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
                    }
                  }
                }
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The recorded event.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/EvidenceEvent"
                },
                "examples": {
                  "recorded": {
                    "value": {
                      "v": 1,
                      "seq": 2,
                      "id": "ev_01J9Z8Q4M5N6P7R8S9T0V1W2X4",
                      "tenant_id": "acme",
                      "type": "action.outcome",
                      "at": "2026-11-23T18:00:00.200Z",
                      "data": {
                        "evidence_event_id": "ev_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                        "tool": "stripe.refund.create",
                        "outcome": "ok",
                        "duration_ms": 182,
                        "result_sha256": "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
                      },
                      "prev_hash": "7c4a8d09ca3762af61e59520943dc26494f8941b7c4a8d09ca3762af61e59520",
                      "hash": "8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "get": {
        "operationId": "listEvidence",
        "tags": [
          "evidence"
        ],
        "summary": "Page through the tenant's ledger",
        "description": "Needs the `admin` role. Without filters, every event in `seq` order. With filters (`type`,\n`tool`, `decision`, `agent_id`, `since`, `until`), only the events that pass all of them.\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/TenantHint"
          },
          {
            "name": "after_seq",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 0,
              "default": 0
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000,
              "default": 100
            }
          },
          {
            "name": "type",
            "in": "query",
            "required": false,
            "description": "Only events of this type (`decision`, `approval.approved`, …). A trailing `.*` matches a\nnamespace: `approval.*` is every `approval.…` event.\n",
            "schema": {
              "type": "string",
              "pattern": "^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*(\\.\\*)?$",
              "maxLength": 128
            },
            "example": "decision"
          },
          {
            "name": "tool",
            "in": "query",
            "required": false,
            "description": "Only events about this tool (the decision's `action.tool`, or the event's own `tool`).",
            "schema": {
              "$ref": "#/components/schemas/ToolNameString"
            },
            "example": "stripe.refund.create"
          },
          {
            "name": "decision",
            "in": "query",
            "required": false,
            "description": "Only decision events that answered this (the answer given, e.g. `warn` in warn mode).",
            "schema": {
              "$ref": "#/components/schemas/DecisionValue"
            }
          },
          {
            "name": "agent_id",
            "in": "query",
            "required": false,
            "description": "Only events about this agent (the decision's `action.agent_id`, or the event's own `agent_id`).",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 256
            },
            "example": "refund-bot"
          },
          {
            "$ref": "#/components/parameters/Since"
          },
          {
            "$ref": "#/components/parameters/Until"
          }
        ],
        "responses": {
          "200": {
            "description": "A page of the events that pass every filter given, in `seq` order. Filters narrow the page,\nnot the cursor: keep passing `next_after_seq` back as `after_seq` with the same filters.\n",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/EvidencePage"
                },
                "examples": {
                  "page": {
                    "value": {
                      "events": [
                        {
                          "v": 1,
                          "seq": 1,
                          "id": "ev_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                          "tenant_id": "acme",
                          "type": "policy.updated",
                          "at": "2026-11-23T17:59:00.000Z",
                          "data": {
                            "policy_id": "refunds",
                            "version": 1,
                            "hash": "3b1f0e2d4c5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
                          },
                          "prev_hash": "0000000000000000000000000000000000000000000000000000000000000000",
                          "hash": "7c4a8d09ca3762af61e59520943dc26494f8941b7c4a8d09ca3762af61e59520"
                        }
                      ],
                      "next_after_seq": null
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/evidence/verify": {
      "get": {
        "operationId": "verifyEvidence",
        "tags": [
          "evidence"
        ],
        "summary": "Re-verify the tenant's chain",
        "description": "Needs the `admin` role.",
        "parameters": [
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "responses": {
          "200": {
            "description": "The result of recomputing every hash and link.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ChainVerification"
                },
                "examples": {
                  "ok": {
                    "value": {
                      "ok": true,
                      "count": 42,
                      "head": {
                        "seq": 42,
                        "hash": "8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92"
                      }
                    }
                  },
                  "broken": {
                    "value": {
                      "ok": false,
                      "count": 42,
                      "head": {
                        "seq": 42,
                        "hash": "8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92"
                      },
                      "first_broken_seq": 17,
                      "reason": "hash_mismatch"
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/evidence/export": {
      "get": {
        "operationId": "exportEvidence",
        "tags": [
          "evidence"
        ],
        "summary": "Signed export of the tenant's ledger",
        "description": "Needs the `admin` role. The signature is Ed25519 over the RFC 8785 canonical form of the export\nwithout `signature`; it verifies offline with the JWKS alone.\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "responses": {
          "200": {
            "description": "The signed export.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/EvidenceExport"
                },
                "examples": {
                  "export": {
                    "value": {
                      "format": "actpass.evidence-export/v1",
                      "tenant_id": "acme",
                      "events": [
                        {
                          "v": 1,
                          "seq": 1,
                          "id": "ev_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                          "tenant_id": "acme",
                          "type": "policy.updated",
                          "at": "2026-11-23T17:59:00.000Z",
                          "data": {
                            "policy_id": "refunds",
                            "version": 1,
                            "hash": "3b1f0e2d4c5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
                          },
                          "prev_hash": "0000000000000000000000000000000000000000000000000000000000000000",
                          "hash": "7c4a8d09ca3762af61e59520943dc26494f8941b7c4a8d09ca3762af61e59520"
                        }
                      ],
                      "head": {
                        "seq": 1,
                        "hash": "7c4a8d09ca3762af61e59520943dc26494f8941b7c4a8d09ca3762af61e59520"
                      },
                      "exported_at": "2026-11-23T18:10:00.000Z",
                      "signature": {
                        "alg": "EdDSA",
                        "kid": "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs",
                        "sig": "c2lnbmF0dXJlLWJ5dGVzLWJhc2U2NHVybC1lbmNvZGVkLWV4YW1wbGUtb25seS1ub3QtcmVhbA"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/tools": {
      "get": {
        "operationId": "listTools",
        "tags": [
          "tools"
        ],
        "summary": "List approved tool definitions",
        "description": "Needs the `admin` role, or `proxy` (the enforcing MCP proxy checks listed tools against these).",
        "parameters": [
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "responses": {
          "200": {
            "description": "Every approved tool definition with its hash.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ToolList"
                },
                "examples": {
                  "tools": {
                    "value": {
                      "items": [
                        {
                          "name": "stripe.refund.create",
                          "hash": "4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce",
                          "approved_at": "2026-11-23T17:58:00.000Z",
                          "definition": {
                            "name": "stripe.refund.create",
                            "description": "Refund a charge.",
                            "input_schema": {
                              "type": "object",
                              "properties": {
                                "charge": {
                                  "type": "string"
                                },
                                "amount": {
                                  "type": "integer"
                                }
                              },
                              "required": [
                                "charge",
                                "amount"
                              ]
                            }
                          }
                        }
                      ]
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/tools/{name}": {
      "put": {
        "operationId": "approveTool",
        "tags": [
          "tools"
        ],
        "summary": "Approve a tool definition",
        "description": "Needs the `admin` role. The definition's hash is the SHA-256 of its RFC 8785 canonical form\n(`acknowledge_findings` is not part of it). A preflight carrying a different definition (or hash)\nis `require_tool_reapproval` / `tool.drifted`. The body's `name` must equal the path's.\n\nEvery definition is inspected (hidden tag, zero-width and bidi characters, lookalike names,\ninstructions to the model, references to secrets or to other tools, oversized text) and the\nresponse lists the findings with the decoded hidden text. A definition with a `high` finding is\napproved only with `acknowledge_findings: true`; without it the answer is `409 tool.suspicious`\nnaming each finding, and a preflight presenting that definition is `require_tool_reapproval` /\n`tool.suspicious`. The `tool.approved` ledger event records the findings.\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/ToolName"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ToolApproval"
              },
              "examples": {
                "refund": {
                  "value": {
                    "name": "stripe.refund.create",
                    "description": "Refund a charge.",
                    "input_schema": {
                      "type": "object",
                      "properties": {
                        "charge": {
                          "type": "string"
                        },
                        "amount": {
                          "type": "integer"
                        }
                      },
                      "required": [
                        "charge",
                        "amount"
                      ]
                    }
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The approved tool.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ApprovedTool"
                },
                "examples": {
                  "approved": {
                    "value": {
                      "name": "stripe.refund.create",
                      "hash": "4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce",
                      "approved_at": "2026-11-23T17:58:00.000Z",
                      "definition": {
                        "name": "stripe.refund.create",
                        "description": "Refund a charge.",
                        "input_schema": {
                          "type": "object",
                          "properties": {
                            "charge": {
                              "type": "string"
                            },
                            "amount": {
                              "type": "integer"
                            }
                          },
                          "required": [
                            "charge",
                            "amount"
                          ]
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/credentials": {
      "get": {
        "operationId": "listCredentials",
        "tags": [
          "credentials"
        ],
        "summary": "List credential metadata",
        "description": "Needs the `admin` role. Secret values are never returned.",
        "parameters": [
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "responses": {
          "200": {
            "description": "Metadata of every stored credential.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CredentialList"
                },
                "examples": {
                  "credentials": {
                    "value": {
                      "items": [
                        {
                          "name": "stripe_restricted_key",
                          "bound_tools": [
                            "stripe.refund.create"
                          ],
                          "version": 1,
                          "lease_ttl_seconds": 60,
                          "created_at": "2026-11-23T17:57:00.000Z",
                          "updated_at": "2026-11-23T17:57:00.000Z"
                        }
                      ]
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/credentials/{name}": {
      "put": {
        "operationId": "putCredential",
        "tags": [
          "credentials"
        ],
        "summary": "Store a credential in the vault",
        "description": "Needs the `admin` role. Envelope-encrypted with AES-256-GCM under `ACTPASS_VAULT_KEY`; without a\nconfigured key the gateway refuses with `vault.no_key`. Storing again makes a new version.\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/CredentialName"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PutCredentialRequest"
              },
              "examples": {
                "stripe": {
                  "value": {
                    "value": "rk_test_51ExampleOnly",
                    "bound_tools": [
                      "stripe.refund.create"
                    ],
                    "lease_ttl_seconds": 60
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The credential's metadata (never its value).",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CredentialMetadata"
                },
                "examples": {
                  "stored": {
                    "value": {
                      "name": "stripe_restricted_key",
                      "bound_tools": [
                        "stripe.refund.create"
                      ],
                      "version": 1,
                      "lease_ttl_seconds": 60,
                      "created_at": "2026-11-23T17:57:00.000Z",
                      "updated_at": "2026-11-23T17:57:00.000Z"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "delete": {
        "operationId": "deleteCredential",
        "tags": [
          "credentials"
        ],
        "summary": "Delete a credential",
        "description": "Needs the `admin` role.",
        "parameters": [
          {
            "$ref": "#/components/parameters/CredentialName"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "responses": {
          "200": {
            "description": "The credential was deleted.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CredentialDeletion"
                },
                "examples": {
                  "deleted": {
                    "value": {
                      "name": "stripe_restricted_key",
                      "deleted": true
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/policy": {
      "get": {
        "operationId": "getPolicy",
        "tags": [
          "policy"
        ],
        "summary": "Read the tenant's policy",
        "description": "Needs the `admin` role.",
        "parameters": [
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "responses": {
          "200": {
            "description": "The policy in force and its hash.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PolicyDocument"
                },
                "examples": {
                  "refunds": {
                    "value": {
                      "hash": "3b1f0e2d4c5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
                      "updated_at": "2026-11-23T17:59:00.000Z",
                      "policy": {
                        "id": "refunds",
                        "version": 1,
                        "default": {
                          "decision": "deny",
                          "reason": "policy.no_match",
                          "risk_tier": "high"
                        },
                        "rules": [
                          {
                            "id": "refund-small",
                            "description": "Refunds up to $100.00 are allowed.",
                            "when": [
                              {
                                "path": "tool",
                                "operator": "==",
                                "value": "stripe.refund.create"
                              },
                              {
                                "path": "args.amount",
                                "operator": "<=",
                                "value": 10000
                              }
                            ],
                            "decision": "allow",
                            "reason": "refund.small_in_scope",
                            "risk_tier": "low"
                          }
                        ]
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "put": {
        "operationId": "putPolicy",
        "tags": [
          "policy"
        ],
        "summary": "Replace the tenant's policy",
        "description": "Needs the `admin` role. The policy is validated as a whole; a `400` lists every problem in\n`error.details` with its rule id and path.\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Policy"
              },
              "examples": {
                "refunds": {
                  "value": {
                    "id": "refunds",
                    "version": 2,
                    "rules": [
                      {
                        "id": "refund-small",
                        "when": [
                          {
                            "path": "tool",
                            "operator": "==",
                            "value": "stripe.refund.create"
                          },
                          {
                            "path": "args.amount",
                            "operator": "<=",
                            "value": 10000
                          }
                        ],
                        "decision": "allow",
                        "reason": "refund.small_in_scope",
                        "risk_tier": "low"
                      }
                    ]
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The policy now in force and its hash.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PolicyDocument"
                },
                "examples": {
                  "refunds": {
                    "value": {
                      "hash": "5b1f0e2d4c5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
                      "updated_at": "2026-11-23T18:20:00.000Z",
                      "policy": {
                        "id": "refunds",
                        "version": 2,
                        "rules": [
                          {
                            "id": "refund-small",
                            "when": [
                              {
                                "path": "tool",
                                "operator": "==",
                                "value": "stripe.refund.create"
                              },
                              {
                                "path": "args.amount",
                                "operator": "<=",
                                "value": 10000
                              }
                            ],
                            "decision": "allow",
                            "reason": "refund.small_in_scope",
                            "risk_tier": "low"
                          }
                        ]
                      }
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/whoami": {
      "get": {
        "operationId": "whoami",
        "tags": [
          "identity"
        ],
        "summary": "Who the presented key is",
        "description": "Any valid key. Answers the tenant, the key's non-secret id, its roles and, for a key bound to\none agent, that agent. Consoles and CLIs call it first to learn what the key may do.\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "responses": {
          "200": {
            "description": "The key's identity.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/WhoAmI"
                },
                "examples": {
                  "approver": {
                    "value": {
                      "tenant_id": "acme",
                      "key_id": "key_3b1f0e2d4c5a",
                      "roles": [
                        "approver"
                      ]
                    }
                  },
                  "agent": {
                    "value": {
                      "tenant_id": "acme",
                      "key_id": "refund-bot-key",
                      "roles": [
                        "agent"
                      ],
                      "agent_id": "refund-bot"
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/reports/rollout": {
      "get": {
        "operationId": "rolloutReport",
        "tags": [
          "reports"
        ],
        "summary": "Rollout report — what enforce would have answered",
        "description": "Needs the `admin` or `approver` role. Counts the tenant's recorded `decision` events in a window\nby tool × reason × mode × decision, with `enforce_decision`: what `enforce` would have answered\n(for `monitor` and `warn` traffic the recorded `would_decision`, otherwise the decision itself).\nAlso the same counts in time buckets, and the actions `enforce` would block that are not blocked\ntoday (monitor and warn traffic), most frequent first. The window defaults to the last 24 hours;\nat most 2 000 buckets.\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/TenantHint"
          },
          {
            "$ref": "#/components/parameters/Since"
          },
          {
            "$ref": "#/components/parameters/Until"
          },
          {
            "name": "bucket",
            "in": "query",
            "required": false,
            "description": "Width of each time bucket.",
            "schema": {
              "$ref": "#/components/schemas/ReportBucket"
            }
          },
          {
            "name": "top",
            "in": "query",
            "required": false,
            "description": "How many would-block actions to list.",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 100,
              "default": 10
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The report.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/RolloutReport"
                },
                "examples": {
                  "monitor": {
                    "value": {
                      "window": {
                        "since": "2026-11-23T00:00:00.000Z",
                        "until": "2026-11-23T02:00:00.000Z",
                        "bucket": "hour"
                      },
                      "totals": {
                        "decisions": 3,
                        "would_block": 2,
                        "observed": 3,
                        "observed_would_block": 2
                      },
                      "counts": [
                        {
                          "tool": "stripe.refund.create",
                          "reason_code": "refund.small_in_scope",
                          "mode": "monitor",
                          "decision": "allow",
                          "enforce_decision": "allow",
                          "count": 1
                        },
                        {
                          "tool": "stripe.refund.create",
                          "reason_code": "refund.large_denied",
                          "mode": "monitor",
                          "decision": "deny",
                          "enforce_decision": "deny",
                          "count": 1
                        },
                        {
                          "tool": "stripe.refund.create",
                          "reason_code": "refund.medium_needs_approval",
                          "mode": "warn",
                          "decision": "warn",
                          "enforce_decision": "require_approval",
                          "count": 1
                        }
                      ],
                      "buckets": [
                        {
                          "start": "2026-11-23T00:00:00.000Z",
                          "total": 2,
                          "would_block": 1,
                          "by_enforce_decision": {
                            "allow": 1,
                            "deny": 1,
                            "require_approval": 0,
                            "require_tool_reapproval": 0,
                            "warn": 0
                          }
                        },
                        {
                          "start": "2026-11-23T01:00:00.000Z",
                          "total": 1,
                          "would_block": 1,
                          "by_enforce_decision": {
                            "allow": 0,
                            "deny": 0,
                            "require_approval": 1,
                            "require_tool_reapproval": 0,
                            "warn": 0
                          }
                        }
                      ],
                      "top_would_block": [
                        {
                          "tool": "stripe.refund.create",
                          "resource": "stripe:customer:cus_123",
                          "reason_code": "refund.large_denied",
                          "enforce_decision": "deny",
                          "count": 1,
                          "last_at": "2026-11-23T00:40:00.000Z",
                          "last_event_id": "ev_01J9Z8Q4M5N6P7R8S9T0V1W2X3"
                        },
                        {
                          "tool": "stripe.refund.create",
                          "resource": "stripe:customer:cus_123",
                          "reason_code": "refund.medium_needs_approval",
                          "enforce_decision": "require_approval",
                          "count": 1,
                          "last_at": "2026-11-23T01:10:00.000Z",
                          "last_event_id": "ev_01J9Z8Q4M5N6P7R8S9T0V1W2X4"
                        }
                      ]
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/policy/simulate": {
      "post": {
        "operationId": "simulatePolicy",
        "tags": [
          "policy"
        ],
        "summary": "What-if — re-evaluate recorded decisions under a candidate policy",
        "description": "Needs the `admin` role. Re-runs the policy stage of every recorded `decision` event in the window\nunder the candidate policy and reports which answers would change. Outcomes decided before the\npolicy (a refused passport, an approval re-run, a drifted or unregistered tool, a vault refusal)\nare held as recorded and counted in `summary.held`. Answers are compared as `enforce` would give\nthem (a monitor or warn decision's `would_decision`). The summary covers the whole window; the\nchanged decisions are paged with `after_seq`. Writes nothing: no ledger event, no store change;\nan `Idempotency-Key` is accepted but nothing is stored for it (a retry changes nothing either).\nThe candidate is validated like `PUT /policy` (every problem listed, under `body.policy`).\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/TenantHint"
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/SimulatePolicyRequest"
              },
              "examples": {
                "stricter": {
                  "value": {
                    "since": "2026-11-23T00:00:00Z",
                    "limit": 50,
                    "policy": {
                      "id": "refunds",
                      "version": 3,
                      "default": {
                        "decision": "deny",
                        "reason": "policy.no_match",
                        "risk_tier": "high"
                      },
                      "rules": [
                        {
                          "id": "refund-small",
                          "when": [
                            {
                              "path": "tool",
                              "operator": "==",
                              "value": "stripe.refund.create"
                            },
                            {
                              "path": "args.amount",
                              "operator": "<=",
                              "value": 5000
                            }
                          ],
                          "decision": "allow",
                          "reason": "refund.small_in_scope",
                          "risk_tier": "low"
                        }
                      ]
                    }
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The summary of changes and one page of changed decisions.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PolicySimulation"
                },
                "examples": {
                  "stricter": {
                    "value": {
                      "window": {
                        "since": "2026-11-23T00:00:00.000Z",
                        "until": "2026-11-23T02:00:00.000Z"
                      },
                      "candidate": {
                        "id": "refunds",
                        "version": 3,
                        "hash": "5b1f0e2d4c5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
                      },
                      "summary": {
                        "decisions": 4,
                        "evaluated": 3,
                        "held": 1,
                        "unchanged": 2,
                        "changed": 1,
                        "transitions": [
                          {
                            "from": "allow",
                            "to": "deny",
                            "count": 1
                          }
                        ]
                      },
                      "changes": [
                        {
                          "seq": 7,
                          "event_id": "ev_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                          "at": "2026-11-23T00:40:00.000Z",
                          "mode": "monitor",
                          "action_hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                          "action": {
                            "tenant_id": "acme",
                            "agent_id": "refund-bot",
                            "user_id": null,
                            "goal": "Refund order 123",
                            "tool": "stripe.refund.create",
                            "resource": "stripe:customer:cus_123",
                            "args": {
                              "amount": 7500
                            }
                          },
                          "recorded": {
                            "decision": "allow",
                            "reason_code": "refund.small_in_scope",
                            "matched_rules": [
                              "refund-small"
                            ]
                          },
                          "simulated": {
                            "decision": "deny",
                            "reason_code": "policy.no_match",
                            "risk_tier": "high",
                            "matched_rules": []
                          }
                        }
                      ],
                      "next_after_seq": null
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/webhooks": {
      "get": {
        "operationId": "listWebhooks",
        "tags": [
          "webhooks"
        ],
        "summary": "List webhook endpoints",
        "description": "Needs the `admin` role. Endpoints configured through this API and those given in the gateway's\nown configuration (`source: config`). Secrets are never returned; a URL shows its origin and\nfirst path segment only, because many receivers (Slack among them) keep a credential in the path.\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "responses": {
          "200": {
            "description": "Every endpoint of the tenant.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/WebhookList"
                },
                "examples": {
                  "endpoints": {
                    "value": {
                      "items": [
                        {
                          "id": "on-call",
                          "url": "https://hooks.example.com/actpass/…",
                          "events": [
                            "approval.requested",
                            "approval.expired"
                          ],
                          "format": "json",
                          "enabled": true,
                          "source": "api",
                          "created_at": "2026-11-23T17:57:00.000Z",
                          "updated_at": "2026-11-23T17:57:00.000Z"
                        }
                      ]
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/webhooks/{id}": {
      "put": {
        "operationId": "putWebhook",
        "tags": [
          "webhooks"
        ],
        "summary": "Create or replace a webhook endpoint",
        "description": "Needs the `admin` role. `url` must be `https://`, or `http://` to a loopback address for local\ndevelopment, and must not carry a user name or password. Without `secret` a new endpoint gets a\ngenerated `whsec_…` secret, returned once in this response; replacing an endpoint without\n`secret` keeps the one it has. Deliveries are signed with the secret (`webhook-signature`).\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/WebhookId"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PutWebhookRequest"
              },
              "examples": {
                "on_call": {
                  "value": {
                    "url": "https://hooks.example.com/actpass/approvals",
                    "events": [
                      "approval.requested",
                      "approval.expired"
                    ],
                    "format": "json"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The endpoint as stored; `secret` only when the gateway generated it.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Webhook"
                },
                "examples": {
                  "created": {
                    "value": {
                      "id": "on-call",
                      "url": "https://hooks.example.com/actpass/…",
                      "events": [
                        "approval.requested",
                        "approval.expired"
                      ],
                      "format": "json",
                      "enabled": true,
                      "source": "api",
                      "created_at": "2026-11-23T17:57:00.000Z",
                      "updated_at": "2026-11-23T17:57:00.000Z",
                      "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "get": {
        "operationId": "getWebhook",
        "tags": [
          "webhooks"
        ],
        "summary": "Read one webhook endpoint",
        "description": "Needs the `admin` role. The secret is never returned.",
        "parameters": [
          {
            "$ref": "#/components/parameters/WebhookId"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "responses": {
          "200": {
            "description": "The endpoint.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Webhook"
                },
                "examples": {
                  "endpoint": {
                    "value": {
                      "id": "on-call",
                      "url": "https://hooks.example.com/actpass/…",
                      "events": [
                        "approval.requested",
                        "approval.expired"
                      ],
                      "format": "json",
                      "enabled": true,
                      "source": "api",
                      "created_at": "2026-11-23T17:57:00.000Z",
                      "updated_at": "2026-11-23T17:57:00.000Z"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "delete": {
        "operationId": "deleteWebhook",
        "tags": [
          "webhooks"
        ],
        "summary": "Delete a webhook endpoint",
        "description": "Needs the `admin` role. Deliveries still waiting for it are not sent. Endpoints from the\ngateway's configuration cannot be deleted here (`409 webhook.configured`).\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/WebhookId"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "responses": {
          "200": {
            "description": "The endpoint was deleted.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/WebhookDeletion"
                },
                "examples": {
                  "deleted": {
                    "value": {
                      "id": "on-call",
                      "deleted": true
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/webhook-deliveries": {
      "get": {
        "operationId": "listWebhookDeliveries",
        "tags": [
          "webhooks"
        ],
        "summary": "List webhook deliveries",
        "description": "Needs the `admin` role. Recent deliveries of this gateway process, newest first: `pending`\n(queued, or waiting for its next attempt), `delivered` (the receiver answered 2xx) or `dead`\n(every attempt failed; retry it by hand). `last_error` is the gateway's own description of the\nlast failure, never the receiver's answer.\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/TenantHint"
          },
          {
            "name": "status",
            "in": "query",
            "required": false,
            "schema": {
              "$ref": "#/components/schemas/WebhookDeliveryStatus"
            }
          },
          {
            "name": "webhook_id",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "maxLength": 64,
              "pattern": "^[A-Za-z0-9_.-]{1,64}$"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 500,
              "default": 100
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Deliveries, newest first.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/WebhookDeliveryList"
                },
                "examples": {
                  "dead": {
                    "value": {
                      "items": [
                        {
                          "id": "whd_4mX0a9C2bQ7",
                          "webhook_id": "on-call",
                          "event_id": "msg_9Qw2c8ZrT1",
                          "event_type": "approval.requested",
                          "status": "dead",
                          "attempts": 8,
                          "max_attempts": 8,
                          "created_at": "2026-11-23T18:00:01.000Z",
                          "last_attempt_at": "2026-11-23T19:30:12.000Z",
                          "next_attempt_at": null,
                          "delivered_at": null,
                          "last_status": 500,
                          "last_error": "the receiver answered HTTP 500"
                        }
                      ]
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/webhook-deliveries/{id}/retry": {
      "post": {
        "operationId": "retryWebhookDelivery",
        "tags": [
          "webhooks"
        ],
        "summary": "Send a delivery again",
        "description": "Needs the `admin` role. Queues a `dead` or `delivered` delivery for a new round of attempts\n(same `webhook-id`, so a receiver that deduplicates sees the same message). A delivery still\n`pending` is `409 webhook.delivery_pending`.\n",
        "parameters": [
          {
            "$ref": "#/components/parameters/WebhookDeliveryId"
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          },
          {
            "$ref": "#/components/parameters/TenantHint"
          }
        ],
        "responses": {
          "200": {
            "description": "The delivery, queued again.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/WebhookDelivery"
                },
                "examples": {
                  "queued": {
                    "value": {
                      "id": "whd_4mX0a9C2bQ7",
                      "webhook_id": "on-call",
                      "event_id": "msg_9Qw2c8ZrT1",
                      "event_type": "approval.requested",
                      "status": "pending",
                      "attempts": 0,
                      "max_attempts": 8,
                      "created_at": "2026-11-23T18:00:01.000Z",
                      "last_attempt_at": "2026-11-23T19:30:12.000Z",
                      "next_attempt_at": "2026-11-23T19:45:00.000Z",
                      "delivered_at": null,
                      "last_status": 500,
                      "last_error": "the receiver answered HTTP 500"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/auth/providers": {
      "get": {
        "operationId": "listSignInProviders",
        "tags": [
          "sign-in"
        ],
        "x-console-only": true,
        "summary": "How people may sign in here",
        "description": "Public. The OpenID provider a console may offer beside the API-key form (\"Sign in with <name>\"),\nand where a browser starts that sign-in. Empty when the gateway has none configured.\n",
        "security": [],
        "responses": {
          "200": {
            "description": "The configured sign-in providers (none or one).",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SignInProviders"
                },
                "examples": {
                  "configured": {
                    "value": {
                      "items": [
                        {
                          "id": "oidc",
                          "name": "Example SSO",
                          "login_url": "/api/v1/auth/oidc/login"
                        }
                      ]
                    }
                  }
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/auth/oidc/login": {
      "get": {
        "operationId": "startOidcSignIn",
        "tags": [
          "sign-in"
        ],
        "x-console-only": true,
        "summary": "Start a person's sign-in at the OpenID provider",
        "description": "Public; a browser navigation, not an API call. Redirects to the provider's authorization endpoint\n(authorization code, PKCE with S256, a fresh state and nonce) and sets the sign-in cookie (HttpOnly,\nSameSite=Lax, Secure on https) that binds the state to this browser for 10 minutes.\n",
        "security": [],
        "responses": {
          "302": {
            "description": "To the provider.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              },
              "location": {
                "description": "The provider's authorization URL.",
                "schema": {
                  "type": "string",
                  "maxLength": 8192
                }
              },
              "set-cookie": {
                "description": "The sign-in cookie holding the state.",
                "schema": {
                  "type": "string",
                  "maxLength": 512
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SignInRedirect"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/auth/oidc/callback": {
      "get": {
        "operationId": "finishOidcSignIn",
        "tags": [
          "sign-in"
        ],
        "x-console-only": true,
        "summary": "Where the OpenID provider sends the browser back",
        "description": "Public; the provider's redirect target. The state must match the sign-in cookie of this browser\nand a sign-in started here less than 10 minutes ago (each works once). The code is redeemed with\nthe PKCE verifier; the ID token must verify against the provider's published keys and carry its\nissuer, this gateway's client id as audience, an unexpired `exp` and the sign-in's nonce. The\nconfigured claim must grant approver or admin. Then a session opens and the browser goes to the\nconsole, whose page claims the session once (`POST /api/v1/auth/session`).\n",
        "security": [],
        "parameters": [
          {
            "name": "code",
            "in": "query",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 2048
            }
          },
          {
            "name": "state",
            "in": "query",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 256
            }
          },
          {
            "name": "iss",
            "in": "query",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 2048
            }
          },
          {
            "name": "error",
            "in": "query",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 128
            }
          },
          {
            "name": "error_description",
            "in": "query",
            "schema": {
              "type": "string",
              "maxLength": 1024
            }
          }
        ],
        "responses": {
          "303": {
            "description": "Signed in; to the console.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              },
              "location": {
                "description": "The console.",
                "schema": {
                  "type": "string",
                  "maxLength": 2048
                }
              },
              "set-cookie": {
                "description": "The one-time hand-off of the session (HttpOnly, SameSite=Strict, one minute).",
                "schema": {
                  "type": "string",
                  "maxLength": 512
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SignInRedirect"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "431": {
            "description": "The request line is longer than the gateway reads (query values far over their limits); nothing is done and no body is sent."
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/auth/session": {
      "post": {
        "operationId": "claimSession",
        "tags": [
          "sign-in"
        ],
        "x-console-only": true,
        "summary": "The console claims its session after sign-in",
        "description": "Called once by the console's page right after the provider sent the browser back. Authenticated by\nthe sign-in cookie, and only from the gateway's own origin. Answers the session token (sent as\n`Authorization: Bearer` like an API key from then on) and clears the cookie.\n",
        "security": [],
        "responses": {
          "200": {
            "description": "The session.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              },
              "set-cookie": {
                "description": "Clears the sign-in cookie.",
                "schema": {
                  "type": "string",
                  "maxLength": 512
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ClaimedSession"
                },
                "examples": {
                  "approver": {
                    "value": {
                      "token": "aps_8hJ2kq0bGZ1Wc4yNfP3tVd6sXe9uRa5mLo7iTn2QwYk",
                      "expires_at": "2026-11-23T02:00:00.000Z",
                      "tenant_id": "acme",
                      "key_id": "oidc_3b1f0e2d4c5a6b7c",
                      "roles": [
                        "approver"
                      ],
                      "user": {
                        "iss": "https://id.example.com",
                        "sub": "248289761001",
                        "name": "Jane Doe"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/v1/auth/logout": {
      "post": {
        "operationId": "signOut",
        "tags": [
          "sign-in"
        ],
        "x-console-only": true,
        "summary": "End the presented sign-in session",
        "description": "The session token in `Authorization` stops working at once. It does not sign the person out of\nthe provider. API keys are refused here: a key is withdrawn by removing it from the configuration.\n",
        "responses": {
          "200": {
            "description": "The session has ended.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SignedOut"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/.well-known/jwks.json": {
      "get": {
        "operationId": "getJwks",
        "tags": [
          "keys"
        ],
        "summary": "Public keys for passports and evidence exports",
        "description": "The Ed25519 public keys (RFC 7517) that verify passports and signed evidence exports, keyed by RFC 7638 thumbprint. Public, so verifiers never need an API key.",
        "security": [],
        "responses": {
          "200": {
            "description": "Every signing key that is not retired.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Jwks"
                },
                "examples": {
                  "keys": {
                    "value": {
                      "keys": [
                        {
                          "kty": "OKP",
                          "crv": "Ed25519",
                          "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
                          "kid": "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
                          "alg": "EdDSA",
                          "use": "sig"
                        }
                      ]
                    }
                  }
                }
              }
            }
          }
        }
      }
    },
    "/healthz": {
      "get": {
        "operationId": "health",
        "tags": [
          "health"
        ],
        "summary": "Liveness",
        "description": "Answers 200 while the gateway process serves HTTP, whatever the state of its stores. Use it for a liveness probe (restart the process when it stops answering); use /readyz to decide whether to send it traffic. Public and without side effects.",
        "security": [],
        "responses": {
          "200": {
            "description": "The gateway process is up.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                },
                "examples": {
                  "ok": {
                    "value": {
                      "status": "ok"
                    }
                  }
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/readyz": {
      "get": {
        "operationId": "readiness",
        "tags": [
          "health"
        ],
        "summary": "Readiness",
        "description": "Answers 200 when the gateway can decide right now (its stores answer a read, e.g. its PostgreSQL database is reachable), 503 while it cannot. Use it for a load balancer's health check or a readiness probe, so traffic goes only to gateways that can decide. Public and without side effects.",
        "security": [],
        "responses": {
          "200": {
            "description": "The gateway and its stores are ready to decide.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/XRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                },
                "examples": {
                  "ok": {
                    "value": {
                      "status": "ok"
                    }
                  }
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    }
  },
  "webhooks": {
    "actpassEvent": {
      "post": {
        "operationId": "receiveWebhookEvent",
        "tags": [
          "webhooks"
        ],
        "summary": "What a `json`-format endpoint receives",
        "description": "One POST per event and endpoint, with a `WebhookEvent` body. Verify it before acting on it:\n`webhook-signature` holds `v1,<base64 HMAC-SHA256>` of `<webhook-id>.<webhook-timestamp>.<body>`\nkeyed with the bytes of the endpoint's `whsec_` secret (`webhooks.verify()` in both SDKs does\nthis and checks the timestamp is within 5 minutes). Any 2xx answer within the timeout counts as\ndelivered; anything else is retried with backoff, and the `webhook-id` stays the same.\n",
        "security": [],
        "parameters": [
          {
            "name": "webhook-id",
            "in": "header",
            "required": true,
            "schema": {
              "type": "string",
              "maxLength": 128
            }
          },
          {
            "name": "webhook-timestamp",
            "in": "header",
            "required": true,
            "schema": {
              "type": "string",
              "maxLength": 15,
              "pattern": "^[0-9]{1,15}$"
            }
          },
          {
            "name": "webhook-signature",
            "in": "header",
            "required": true,
            "schema": {
              "type": "string",
              "maxLength": 1024
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/WebhookEvent"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Received; any 2xx status counts."
          },
          "400": {
            "description": "Refused (for example a signature that does not verify); the gateway retries it."
          }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "An ActPass API key. It resolves, server-side, to one tenant and a set of roles."
      }
    },
    "headers": {
      "XRequestId": {
        "description": "The request's id; quote it when reporting a problem.",
        "required": true,
        "schema": {
          "type": "string",
          "maxLength": 128,
          "minLength": 1
        }
      }
    },
    "parameters": {
      "IdempotencyKey": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": false,
        "description": "Makes a POST safe to retry. The same key with the same body within 24 h returns the stored\nresponse; with another body it is a `409 request.idempotency_conflict`.\n",
        "schema": {
          "type": "string",
          "minLength": 1,
          "maxLength": 255
        }
      },
      "AgentKey": {
        "name": "x-actpass-agent-key",
        "in": "header",
        "required": false,
        "description": "Sent only by the enforcing proxy, whose own key (role `proxy`) is the bearer: the agent key the\nproxy received. The gateway authenticates it and decides as that agent; only such a call may be\nleased a credential stored with `delivery: proxy`. A key without the `proxy` role sending it is\n`403 auth.forbidden`; an agent key of another tenant is `403 auth.tenant_mismatch`.\n",
        "schema": {
          "type": "string",
          "minLength": 1,
          "maxLength": 512
        }
      },
      "TenantHint": {
        "name": "x-actpass-tenant",
        "in": "header",
        "required": false,
        "description": "A hint only. The tenant comes from the API key; a different value is `403 auth.tenant_mismatch`.",
        "schema": {
          "type": "string",
          "minLength": 1,
          "maxLength": 128
        }
      },
      "Since": {
        "name": "since",
        "in": "query",
        "required": false,
        "description": "Only events at or after this instant (RFC 3339).",
        "schema": {
          "type": "string",
          "maxLength": 64,
          "format": "date-time"
        },
        "example": "2026-11-23T00:00:00Z"
      },
      "Until": {
        "name": "until",
        "in": "query",
        "required": false,
        "description": "Only events before this instant (RFC 3339).",
        "schema": {
          "type": "string",
          "maxLength": 64,
          "format": "date-time"
        },
        "example": "2026-11-24T00:00:00Z"
      },
      "Jti": {
        "name": "jti",
        "in": "path",
        "required": true,
        "schema": {
          "type": "string",
          "maxLength": 67,
          "pattern": "^ap_[A-Za-z0-9_-]{1,64}$"
        }
      },
      "SuspensionId": {
        "name": "id",
        "in": "path",
        "required": true,
        "schema": {
          "type": "string",
          "maxLength": 68,
          "pattern": "^sus_[A-Za-z0-9_-]{1,64}$"
        }
      },
      "ApprovalId": {
        "name": "id",
        "in": "path",
        "required": true,
        "schema": {
          "type": "string",
          "maxLength": 68,
          "pattern": "^apr_[A-Za-z0-9_-]{1,64}$"
        }
      },
      "ToolName": {
        "name": "name",
        "in": "path",
        "required": true,
        "schema": {
          "$ref": "#/components/schemas/ToolNameString"
        }
      },
      "CredentialName": {
        "name": "name",
        "in": "path",
        "required": true,
        "schema": {
          "type": "string",
          "maxLength": 128,
          "pattern": "^[A-Za-z0-9_.-]{1,128}$"
        }
      },
      "WebhookId": {
        "name": "id",
        "in": "path",
        "required": true,
        "schema": {
          "type": "string",
          "maxLength": 64,
          "pattern": "^[A-Za-z0-9_.-]{1,64}$"
        }
      },
      "WebhookDeliveryId": {
        "name": "id",
        "in": "path",
        "required": true,
        "schema": {
          "type": "string",
          "maxLength": 68,
          "pattern": "^whd_[A-Za-z0-9_-]{1,64}$"
        }
      }
    },
    "responses": {
      "BadRequest": {
        "description": "The request is invalid; `error.message` names the field and the fix.",
        "headers": {
          "x-request-id": {
            "$ref": "#/components/headers/XRequestId"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            },
            "examples": {
              "unknown_field": {
                "value": {
                  "error": {
                    "code": "request.invalid",
                    "message": "body.amount: unknown field; move it into `args`.",
                    "request_id": "req_01J9Z8Q4M5N6P7R8S9T0V1W2X3",
                    "details": [
                      {
                        "path": "body.amount",
                        "message": "unknown field"
                      }
                    ]
                  }
                }
              }
            }
          }
        }
      },
      "Unauthorized": {
        "description": "The API key is missing or not known.",
        "headers": {
          "x-request-id": {
            "$ref": "#/components/headers/XRequestId"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            },
            "examples": {
              "missing": {
                "value": {
                  "error": {
                    "code": "auth.missing_key",
                    "message": "Send the API key as `Authorization: Bearer <key>`.",
                    "request_id": "req_01J9Z8Q4M5N6P7R8S9T0V1W2X3"
                  }
                }
              }
            }
          }
        }
      },
      "Forbidden": {
        "description": "The key lacks the role for this operation, or a tenant hint does not match the key's tenant.",
        "headers": {
          "x-request-id": {
            "$ref": "#/components/headers/XRequestId"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            },
            "examples": {
              "forbidden": {
                "value": {
                  "error": {
                    "code": "auth.forbidden",
                    "message": "This operation needs the approver role.",
                    "request_id": "req_01J9Z8Q4M5N6P7R8S9T0V1W2X3"
                  }
                }
              }
            }
          }
        }
      },
      "NotFound": {
        "description": "No such object in the key's tenant (a foreign id answers the same).",
        "headers": {
          "x-request-id": {
            "$ref": "#/components/headers/XRequestId"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            },
            "examples": {
              "missing": {
                "value": {
                  "error": {
                    "code": "request.not_found",
                    "message": "No approval request apr_01J9Z8Q4M5N6P7R8S9T0V1W2X3.",
                    "request_id": "req_01J9Z8Q4M5N6P7R8S9T0V1W2X3"
                  }
                }
              }
            }
          }
        }
      },
      "Conflict": {
        "description": "The idempotency key was used with another body, or the object is not in a state that allows this.",
        "headers": {
          "x-request-id": {
            "$ref": "#/components/headers/XRequestId"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            },
            "examples": {
              "idempotency": {
                "value": {
                  "error": {
                    "code": "request.idempotency_conflict",
                    "message": "This Idempotency-Key was used with a different body; use a new key.",
                    "request_id": "req_01J9Z8Q4M5N6P7R8S9T0V1W2X3"
                  }
                }
              }
            }
          }
        }
      },
      "Unavailable": {
        "description": "A store the gateway needs is unavailable; nothing was decided or recorded. Retry later.",
        "headers": {
          "x-request-id": {
            "$ref": "#/components/headers/XRequestId"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            },
            "examples": {
              "store": {
                "value": {
                  "error": {
                    "code": "server.unavailable",
                    "message": "The evidence store is unavailable; nothing was decided. Retry later.",
                    "request_id": "req_01J9Z8Q4M5N6P7R8S9T0V1W2X3"
                  }
                }
              }
            }
          }
        }
      }
    },
    "schemas": {
      "DecisionValue": {
        "type": "string",
        "enum": [
          "allow",
          "deny",
          "require_approval",
          "require_tool_reapproval",
          "warn"
        ]
      },
      "Mode": {
        "type": "string",
        "description": "`enforce` (default): the real decision. `strict`: as enforce, a passport is required and an\nunregistered tool is `require_tool_reapproval`. `warn`: `warn` in place of any non-allow (the\nreal one in `would_decision`). `monitor`: the real decision with `enforced: false`.\n",
        "enum": [
          "enforce",
          "monitor",
          "warn",
          "strict"
        ]
      },
      "RiskTier": {
        "type": "string",
        "enum": [
          "low",
          "medium",
          "high",
          "critical"
        ]
      },
      "ReasonCode": {
        "type": "string",
        "description": "A dotted, lower-case reason. Policy rules choose their own (for example\n`refund.small_in_scope`); the fixed ones are listed in `FixedReasonCode`.\n",
        "pattern": "^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+$",
        "maxLength": 128
      },
      "FixedReasonCode": {
        "type": "string",
        "description": "The reason codes ActPass itself assigns. `client.*` codes are made by the SDKs when they cannot\nget a valid decision (they never come from the gateway). `request.not_found`,\n`server.unavailable`, `server.internal`, `webhook.*`, `auth.oidc_*` and `auth.session_*` are error codes only.\n",
        "enum": [
          "policy.no_match",
          "passport.missing",
          "passport.malformed",
          "passport.bad_signature",
          "passport.unknown_key",
          "passport.wrong_issuer",
          "passport.wrong_audience",
          "passport.tenant_mismatch",
          "passport.not_yet_valid",
          "passport.expired",
          "passport.revoked",
          "passport.replayed",
          "passport.tool_not_allowed",
          "passport.resource_not_allowed",
          "passport.constraint_violated",
          "passport.goal_mismatch",
          "passport.user_mismatch",
          "tool.drifted",
          "tool.unregistered",
          "tool.suspicious",
          "approval.pending",
          "approval.granted",
          "approval.denied",
          "approval.expired",
          "approval.mismatch",
          "suspended.agent",
          "suspended.user",
          "suspended.tool",
          "suspended.tenant",
          "auth.missing_key",
          "auth.invalid_key",
          "auth.forbidden",
          "auth.tenant_mismatch",
          "auth.oidc_not_configured",
          "auth.oidc_unavailable",
          "auth.oidc_state_mismatch",
          "auth.oidc_provider_error",
          "auth.oidc_code_rejected",
          "auth.oidc_token_invalid",
          "auth.oidc_no_role",
          "auth.session_missing",
          "auth.session_origin",
          "request.invalid",
          "request.idempotency_conflict",
          "request.not_found",
          "vault.no_key",
          "webhook.configured",
          "webhook.delivery_pending",
          "server.unavailable",
          "server.internal",
          "client.unreachable",
          "client.timeout",
          "client.http_error",
          "client.invalid_response",
          "client.misconfigured"
        ]
      },
      "Sha256Hex": {
        "type": "string",
        "minLength": 64,
        "maxLength": 64,
        "pattern": "^[0-9a-f]{64}$"
      },
      "Timestamp": {
        "type": "string",
        "maxLength": 64,
        "format": "date-time"
      },
      "ToolNameString": {
        "type": "string",
        "description": "Dot-separated segments of letters, digits, `_` and `-` (`stripe.refund.create`): no empty\nsegment, no leading or trailing dot, no `:` or `/`, so no name can pass for a path or another\ntool's glob. The gateway checks names with this very pattern.\n",
        "minLength": 1,
        "maxLength": 256,
        "pattern": "^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$"
      },
      "JsonObject": {
        "type": "object",
        "additionalProperties": true
      },
      "PreflightRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "goal",
          "tool"
        ],
        "properties": {
          "goal": {
            "type": "string",
            "minLength": 1,
            "maxLength": 512,
            "description": "What the agent is trying to achieve, e.g. `resolve_refund_request`."
          },
          "tool": {
            "$ref": "#/components/schemas/ToolNameString",
            "description": "The tool the agent is about to call, as policies name it, e.g. `stripe.refund.create`."
          },
          "resource": {
            "type": "string",
            "minLength": 1,
            "maxLength": 1024,
            "description": "What the action touches, e.g. `stripe:charge:ch_123`."
          },
          "args": {
            "$ref": "#/components/schemas/JsonObject",
            "description": "The arguments the tool will be called with, e.g. `{\"amount\": 1200}`. Policies read them as `args.…`; they are part of the action hash, so an approval covers exactly these."
          },
          "mode": {
            "$ref": "#/components/schemas/Mode",
            "description": "How the decision applies to this call (`enforce` when omitted; see Mode). The SDKs send the client's mode."
          },
          "agent_id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 256,
            "description": "The agent acting, e.g. `support_agent`. Policies read it as `agent_id`; it is part of the action hash."
          },
          "user_id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 256,
            "description": "The person the agent acts for, e.g. `user_42`. Policies read it as `user_id`; it is part of the action hash."
          },
          "tenant_id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 128,
            "description": "A hint only; a value other than the key's tenant is `403 auth.tenant_mismatch`."
          },
          "passport": {
            "type": "string",
            "minLength": 1,
            "maxLength": 8192,
            "description": "A compact passport token (from issuePassport); the action must stay within its goal, tools and resources."
          },
          "approval_request_id": {
            "type": "string",
            "maxLength": 68,
            "pattern": "^apr_[A-Za-z0-9_-]{1,64}$",
            "description": "The id (`apr_…`) of an approved request from an earlier `require_approval`, sent with the same action to run it once, as approved."
          },
          "tool_definition": {
            "$ref": "#/components/schemas/ToolDefinition",
            "description": "The tool's definition as the model sees it (name, description, schemas). One that differs from the approved definition is `require_tool_reapproval` / `tool.drifted`."
          },
          "tool_hash": {
            "$ref": "#/components/schemas/Sha256Hex",
            "description": "Instead of `tool_definition`, the SHA-256 of its RFC 8785 canonical form, for a caller that hashes the definition itself."
          },
          "context": {
            "$ref": "#/components/schemas/JsonObject",
            "description": "Facts about the call that are not arguments (channel, ticket, session). Policies read them as `context.…`; they are not part of the action hash. `session.id` names a flow-control session (1–128 letters, digits and `._:@/+=-`), the gateway adds the labels `private_data` and `untrusted_content` from its own classification of the tools the session called; policy reads them as `context.session.labels`; labels sent by the caller are refused."
          },
          "outcomes": {
            "type": "array",
            "maxItems": 16,
            "items": {
              "$ref": "#/components/schemas/PiggybackedOutcome"
            },
            "description": "Optional. Outcome records of earlier actions this same API key (and agent key) was decided for,\nsent with the next preflight instead of one `POST /evidence` each (the enforcing proxy does\nthis). Each is recorded as an `action.outcome` event with exactly the `data` given, checked as\n`recordEvidence` checks it, just before this preflight's decision (in the same write on a file\nledger). Each\nmust name, in `decision_event_id`, a `decision` event of the tenant written for the calling key,\nat most once per request. One record that fails a check refuses the whole request with 400\nnaming it (`body.outcomes[i]...`): nothing of it is recorded and no decision is made.\n"
          }
        }
      },
      "Explain": {
        "type": "object",
        "required": [
          "summary",
          "matched_rules",
          "next_steps"
        ],
        "properties": {
          "summary": {
            "type": "string",
            "maxLength": 4096
          },
          "matched_rules": {
            "type": "array",
            "maxItems": 16,
            "items": {
              "type": "string",
              "maxLength": 128
            }
          },
          "next_steps": {
            "type": "array",
            "maxItems": 8,
            "items": {
              "type": "string",
              "maxLength": 1024
            }
          }
        }
      },
      "PolicyRef": {
        "type": "object",
        "required": [
          "id",
          "version",
          "hash"
        ],
        "properties": {
          "id": {
            "type": "string",
            "maxLength": 128
          },
          "version": {
            "type": "integer"
          },
          "hash": {
            "$ref": "#/components/schemas/Sha256Hex"
          }
        }
      },
      "CredentialLease": {
        "type": "object",
        "description": "A short-lived credential from the vault, bound to the tool. Never log it.",
        "required": [
          "name",
          "value",
          "expires_at"
        ],
        "properties": {
          "name": {
            "type": "string",
            "maxLength": 128
          },
          "value": {
            "type": "string",
            "maxLength": 16384
          },
          "expires_at": {
            "$ref": "#/components/schemas/Timestamp"
          }
        }
      },
      "Decision": {
        "type": "object",
        "required": [
          "decision",
          "reason_code",
          "risk_tier",
          "mode",
          "enforced",
          "source",
          "explain",
          "evidence_event_id",
          "action_hash",
          "policy",
          "request_id",
          "decided_at"
        ],
        "properties": {
          "decision": {
            "$ref": "#/components/schemas/DecisionValue"
          },
          "reason_code": {
            "$ref": "#/components/schemas/ReasonCode"
          },
          "risk_tier": {
            "$ref": "#/components/schemas/RiskTier"
          },
          "mode": {
            "$ref": "#/components/schemas/Mode"
          },
          "enforced": {
            "type": "boolean",
            "description": "False only in `monitor`."
          },
          "source": {
            "type": "string",
            "enum": [
              "gateway"
            ],
            "description": "Who made the decision. The SDKs' own fail-closed decisions say `client`."
          },
          "would_decision": {
            "$ref": "#/components/schemas/DecisionValue"
          },
          "explain": {
            "$ref": "#/components/schemas/Explain"
          },
          "evidence_event_id": {
            "type": "string",
            "maxLength": 67,
            "pattern": "^ev_[A-Za-z0-9_-]+$"
          },
          "approval_request_id": {
            "type": "string",
            "maxLength": 68,
            "pattern": "^apr_[A-Za-z0-9_-]+$"
          },
          "action_hash": {
            "$ref": "#/components/schemas/Sha256Hex"
          },
          "policy": {
            "$ref": "#/components/schemas/PolicyRef"
          },
          "credential": {
            "$ref": "#/components/schemas/CredentialLease"
          },
          "request_id": {
            "type": "string",
            "maxLength": 128
          },
          "decided_at": {
            "$ref": "#/components/schemas/Timestamp"
          }
        }
      },
      "CanonicalAction": {
        "type": "object",
        "description": "The action whose RFC 8785 canonical form is hashed into `action_hash`.",
        "required": [
          "tenant_id",
          "agent_id",
          "user_id",
          "goal",
          "tool",
          "resource",
          "args"
        ],
        "properties": {
          "tenant_id": {
            "type": "string",
            "maxLength": 128
          },
          "agent_id": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 256
          },
          "user_id": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 256
          },
          "goal": {
            "type": "string",
            "maxLength": 512
          },
          "tool": {
            "type": "string",
            "maxLength": 256
          },
          "resource": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 1024
          },
          "args": {
            "$ref": "#/components/schemas/JsonObject"
          }
        }
      },
      "IssuePassportRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "audience",
          "goal",
          "allowed_tools"
        ],
        "properties": {
          "audience": {
            "type": "string",
            "minLength": 1,
            "maxLength": 512,
            "description": "Who will present the passport, e.g. the service or sub-agent it is handed to; verifying checks it when given."
          },
          "goal": {
            "type": "string",
            "minLength": 1,
            "maxLength": 512,
            "description": "The goal the passport is for, e.g. `resolve_refund_request`; a preflight presenting it must state the same goal."
          },
          "allowed_tools": {
            "type": "array",
            "minItems": 1,
            "maxItems": 100,
            "description": "Exact names or globs where `*` matches any run of characters.",
            "items": {
              "type": "string",
              "minLength": 1,
              "maxLength": 256
            }
          },
          "allowed_resources": {
            "type": "array",
            "maxItems": 100,
            "description": "Resources or resource globs (`*` within a `:`/`/` segment, `**` across them) the actions may touch; omitted, any resource.",
            "items": {
              "type": "string",
              "minLength": 1,
              "maxLength": 1024
            }
          },
          "resource_constraints": {
            "type": "object",
            "description": "`max_<field>` / `min_<field>` bound a numeric arg; any other key must equal the arg (an array means one of).",
            "additionalProperties": true
          },
          "risk_tier": {
            "$ref": "#/components/schemas/RiskTier",
            "description": "The risk the issuer accepts for the delegated actions, recorded in the claims."
          },
          "agent_id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 256,
            "description": "The agent the passport is issued to; it is recorded in the claims."
          },
          "user_id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 256,
            "description": "The person on whose behalf the agent acts; it is recorded in the claims."
          },
          "tenant_id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 128,
            "description": "A hint only."
          },
          "action_hash": {
            "$ref": "#/components/schemas/Sha256Hex",
            "description": "Binds the passport to one exact action (the hash a decision reports as `action_hash`)."
          },
          "ttl_seconds": {
            "type": "integer",
            "description": "Default 300; clamped to [1, 3600]."
          }
        }
      },
      "PassportClaims": {
        "type": "object",
        "required": [
          "iss",
          "aud",
          "tenant_id",
          "agent_id",
          "user_id",
          "goal",
          "allowed_tools",
          "allowed_resources",
          "resource_constraints",
          "risk_tier",
          "approval_hash",
          "iat",
          "nbf",
          "exp",
          "jti"
        ],
        "properties": {
          "iss": {
            "type": "string",
            "maxLength": 512
          },
          "aud": {
            "type": "string",
            "maxLength": 512
          },
          "tenant_id": {
            "type": "string",
            "maxLength": 128
          },
          "agent_id": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 256
          },
          "user_id": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 256
          },
          "goal": {
            "type": "string",
            "maxLength": 512
          },
          "allowed_tools": {
            "type": "array",
            "maxItems": 100,
            "items": {
              "type": "string",
              "maxLength": 256
            }
          },
          "allowed_resources": {
            "type": "array",
            "maxItems": 100,
            "items": {
              "type": "string",
              "maxLength": 1024
            }
          },
          "resource_constraints": {
            "$ref": "#/components/schemas/JsonObject"
          },
          "risk_tier": {
            "$ref": "#/components/schemas/RiskTier"
          },
          "approval_hash": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Sha256Hex"
              },
              {
                "type": "null"
              }
            ]
          },
          "action_hash": {
            "$ref": "#/components/schemas/Sha256Hex"
          },
          "iat": {
            "type": "integer"
          },
          "nbf": {
            "type": "integer"
          },
          "exp": {
            "type": "integer"
          },
          "jti": {
            "type": "string",
            "maxLength": 67,
            "pattern": "^ap_[A-Za-z0-9_-]+$"
          }
        }
      },
      "IssuedPassport": {
        "type": "object",
        "required": [
          "token",
          "jti",
          "expires_at",
          "claims"
        ],
        "properties": {
          "token": {
            "type": "string",
            "maxLength": 8192
          },
          "jti": {
            "type": "string",
            "maxLength": 67,
            "pattern": "^ap_[A-Za-z0-9_-]+$"
          },
          "expires_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "claims": {
            "$ref": "#/components/schemas/PassportClaims"
          }
        }
      },
      "VerifyPassportRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "token"
        ],
        "properties": {
          "token": {
            "type": "string",
            "minLength": 1,
            "maxLength": 8192
          },
          "audience": {
            "type": "string",
            "minLength": 1,
            "maxLength": 512,
            "description": "When given, the token's `aud` must equal it."
          },
          "tool": {
            "$ref": "#/components/schemas/ToolNameString"
          },
          "resource": {
            "type": "string",
            "minLength": 1,
            "maxLength": 1024
          },
          "args": {
            "$ref": "#/components/schemas/JsonObject"
          },
          "tenant_id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 128,
            "description": "A hint only."
          }
        }
      },
      "PassportVerification": {
        "type": "object",
        "required": [
          "valid"
        ],
        "properties": {
          "valid": {
            "type": "boolean"
          },
          "reason_code": {
            "$ref": "#/components/schemas/ReasonCode"
          },
          "message": {
            "type": "string",
            "maxLength": 1024
          },
          "claims": {
            "$ref": "#/components/schemas/PassportClaims"
          }
        }
      },
      "RevokePassportRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "reason"
        ],
        "properties": {
          "reason": {
            "type": "string",
            "minLength": 1,
            "maxLength": 512
          }
        }
      },
      "PassportRevocation": {
        "type": "object",
        "required": [
          "jti",
          "revoked",
          "reason",
          "revoked_at"
        ],
        "properties": {
          "jti": {
            "type": "string",
            "maxLength": 67
          },
          "revoked": {
            "type": "boolean"
          },
          "reason": {
            "type": "string",
            "maxLength": 512
          },
          "revoked_at": {
            "$ref": "#/components/schemas/Timestamp"
          }
        }
      },
      "SuspensionScope": {
        "type": "string",
        "description": "What a suspension stops, matched against each preflight's agent id, user id, tool or tenant.",
        "enum": [
          "agent",
          "user",
          "tool",
          "tenant"
        ]
      },
      "CreateSuspensionRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "scope",
          "reason"
        ],
        "properties": {
          "scope": {
            "$ref": "#/components/schemas/SuspensionScope"
          },
          "match": {
            "type": "string",
            "minLength": 1,
            "maxLength": 256,
            "description": "Required for `agent` and `user` (the exact id) and `tool` (a tool name or glob, `*` per\nsegment and `**`, e.g. `stripe.refund.*`). For `tenant` leave it out (or give `*`): the\ntenant is the key's.\n"
          },
          "reason": {
            "type": "string",
            "minLength": 1,
            "maxLength": 512,
            "description": "Why, for the ledger and the people reading it. Control and bidi-override characters are rejected."
          },
          "until": {
            "$ref": "#/components/schemas/Timestamp",
            "description": "When it ends by itself (in the future). Without it, it lasts until resumed."
          }
        }
      },
      "SuspensionStatus": {
        "type": "string",
        "enum": [
          "active",
          "resumed",
          "expired"
        ]
      },
      "Suspension": {
        "type": "object",
        "required": [
          "id",
          "scope",
          "match",
          "reason",
          "status",
          "created_at",
          "created_by"
        ],
        "properties": {
          "id": {
            "type": "string",
            "maxLength": 68,
            "pattern": "^sus_[A-Za-z0-9_-]{1,64}$"
          },
          "scope": {
            "$ref": "#/components/schemas/SuspensionScope"
          },
          "match": {
            "type": "string",
            "maxLength": 256,
            "description": "The agent id, user id or tool glob; `*` for the tenant."
          },
          "reason": {
            "type": "string",
            "maxLength": 512
          },
          "status": {
            "$ref": "#/components/schemas/SuspensionStatus"
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "created_by": {
            "type": "string",
            "maxLength": 256,
            "description": "The id of the admin key that suspended."
          },
          "until": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "resumed_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "resumed_by": {
            "type": "string",
            "maxLength": 256,
            "description": "The id of the admin key that resumed."
          }
        }
      },
      "SuspensionList": {
        "type": "object",
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "maxItems": 500,
            "items": {
              "$ref": "#/components/schemas/Suspension"
            }
          }
        }
      },
      "ApprovalStatus": {
        "type": "string",
        "enum": [
          "pending",
          "approved",
          "denied",
          "expired",
          "used"
        ]
      },
      "ApprovalRequest": {
        "type": "object",
        "required": [
          "id",
          "status",
          "action",
          "action_hash",
          "reason_code",
          "created_at",
          "expires_at"
        ],
        "properties": {
          "id": {
            "type": "string",
            "maxLength": 68,
            "pattern": "^apr_[A-Za-z0-9_-]+$"
          },
          "status": {
            "$ref": "#/components/schemas/ApprovalStatus"
          },
          "action": {
            "$ref": "#/components/schemas/CanonicalAction"
          },
          "action_hash": {
            "$ref": "#/components/schemas/Sha256Hex"
          },
          "reason_code": {
            "$ref": "#/components/schemas/ReasonCode"
          },
          "summary": {
            "type": "string",
            "maxLength": 1024,
            "description": "Why the action was held, in words (the matched rule's description when it has one), for the approver beside `reason_code`."
          },
          "risk_tier": {
            "$ref": "#/components/schemas/RiskTier"
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "expires_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "decided_by": {
            "type": "string",
            "maxLength": 256
          },
          "decided_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "note": {
            "type": "string",
            "maxLength": 2048
          },
          "delegation": {
            "$ref": "#/components/schemas/ApprovalDelegation"
          }
        }
      },
      "ApprovalDelegation": {
        "type": "object",
        "description": "The passport the held action was checked against, for the approver to see. Releasing the action\nre-checks its revocation (`passport.revoked`); a passport that merely expired after the hold\ndoes not void an approval granted within the approval's own TTL.\n",
        "required": [
          "jti",
          "goal",
          "user_id",
          "agent_id",
          "expires_at",
          "status"
        ],
        "properties": {
          "jti": {
            "type": "string",
            "maxLength": 67
          },
          "goal": {
            "type": "string",
            "maxLength": 512
          },
          "user_id": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 256
          },
          "agent_id": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 256
          },
          "expires_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "status": {
            "type": "string",
            "enum": [
              "active",
              "expired",
              "revoked"
            ],
            "description": "`revoked` blocks the release; `expired` is shown but does not."
          }
        }
      },
      "ApprovalList": {
        "type": "object",
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "maxItems": 500,
            "items": {
              "$ref": "#/components/schemas/ApprovalRequest"
            }
          }
        }
      },
      "ApprovalDecisionRequest": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "note": {
            "type": "string",
            "maxLength": 2048
          }
        }
      },
      "PiggybackedOutcome": {
        "type": "object",
        "additionalProperties": true,
        "required": [
          "decision_event_id"
        ],
        "description": "The `data` of one `action.outcome` event, as `recordEvidence` takes it; it may not carry `written_by`.",
        "properties": {
          "decision_event_id": {
            "type": "string",
            "maxLength": 67,
            "pattern": "^ev_[A-Za-z0-9_-]+$",
            "description": "The id (`evidence_event_id`) of the decision this is the outcome of."
          }
        }
      },
      "RecordEvidenceRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "type",
          "data"
        ],
        "properties": {
          "type": {
            "type": "string",
            "pattern": "^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$",
            "maxLength": 64,
            "description": "Free-form, except the gateway's namespaces (`decision`, `approval`, `passport`, `credential`, `tool`, `policy`, `keyset`, `ledger`, `evidence`, `action`, alone or followed by a dot); `action.outcome` (the outcome record of the SDKs and the proxy) is the one exception. `data` may not carry `written_by`, which the gateway records from the API key."
          },
          "data": {
            "$ref": "#/components/schemas/JsonObject"
          }
        }
      },
      "EvidenceEvent": {
        "type": "object",
        "required": [
          "v",
          "seq",
          "id",
          "tenant_id",
          "type",
          "at",
          "data",
          "prev_hash",
          "hash"
        ],
        "properties": {
          "v": {
            "type": "integer",
            "const": 1
          },
          "seq": {
            "type": "integer",
            "minimum": 1
          },
          "id": {
            "type": "string",
            "maxLength": 67,
            "pattern": "^ev_[A-Za-z0-9_-]+$"
          },
          "tenant_id": {
            "type": "string",
            "maxLength": 128
          },
          "type": {
            "type": "string",
            "maxLength": 64
          },
          "at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "data": {
            "$ref": "#/components/schemas/JsonObject"
          },
          "prev_hash": {
            "$ref": "#/components/schemas/Sha256Hex"
          },
          "hash": {
            "$ref": "#/components/schemas/Sha256Hex"
          }
        }
      },
      "EvidencePage": {
        "type": "object",
        "required": [
          "events",
          "next_after_seq"
        ],
        "properties": {
          "events": {
            "type": "array",
            "maxItems": 1000,
            "items": {
              "$ref": "#/components/schemas/EvidenceEvent"
            }
          },
          "next_after_seq": {
            "type": [
              "integer",
              "null"
            ],
            "description": "Pass as `after_seq` for the next page; null at the end."
          }
        }
      },
      "ChainHead": {
        "type": "object",
        "required": [
          "seq",
          "hash"
        ],
        "properties": {
          "seq": {
            "type": "integer",
            "minimum": 0
          },
          "hash": {
            "$ref": "#/components/schemas/Sha256Hex"
          }
        }
      },
      "ChainVerification": {
        "type": "object",
        "required": [
          "ok",
          "count",
          "head"
        ],
        "properties": {
          "ok": {
            "type": "boolean"
          },
          "count": {
            "type": "integer",
            "minimum": 0
          },
          "head": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/ChainHead"
              },
              {
                "type": "null"
              }
            ]
          },
          "first_broken_seq": {
            "type": "integer",
            "minimum": 1
          },
          "reason": {
            "type": "string",
            "maxLength": 1024
          }
        }
      },
      "ExportSignature": {
        "type": "object",
        "required": [
          "alg",
          "kid",
          "sig"
        ],
        "properties": {
          "alg": {
            "type": "string",
            "enum": [
              "EdDSA",
              "Ed25519"
            ]
          },
          "kid": {
            "type": "string",
            "maxLength": 128
          },
          "sig": {
            "type": "string",
            "maxLength": 128,
            "description": "base64url Ed25519 signature over the canonical form of the export without `signature`."
          }
        }
      },
      "EvidenceExport": {
        "type": "object",
        "required": [
          "format",
          "tenant_id",
          "events",
          "head",
          "exported_at",
          "signature"
        ],
        "properties": {
          "format": {
            "type": "string",
            "const": "actpass.evidence-export/v1"
          },
          "tenant_id": {
            "type": "string",
            "maxLength": 128
          },
          "events": {
            "type": "array",
            "maxItems": 100000,
            "items": {
              "$ref": "#/components/schemas/EvidenceEvent"
            }
          },
          "head": {
            "$ref": "#/components/schemas/ChainHead"
          },
          "exported_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "signature": {
            "$ref": "#/components/schemas/ExportSignature"
          }
        }
      },
      "ToolDefinition": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "name",
          "description",
          "input_schema"
        ],
        "properties": {
          "name": {
            "$ref": "#/components/schemas/ToolNameString"
          },
          "description": {
            "type": "string",
            "maxLength": 8192
          },
          "input_schema": {
            "$ref": "#/components/schemas/JsonObject"
          },
          "output_schema": {
            "$ref": "#/components/schemas/JsonObject"
          },
          "annotations": {
            "$ref": "#/components/schemas/JsonObject"
          }
        }
      },
      "ToolApproval": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "name",
          "description",
          "input_schema"
        ],
        "description": "A tool definition to approve, and whether the approver has seen its findings.",
        "properties": {
          "name": {
            "$ref": "#/components/schemas/ToolNameString"
          },
          "description": {
            "type": "string",
            "maxLength": 8192
          },
          "input_schema": {
            "$ref": "#/components/schemas/JsonObject"
          },
          "output_schema": {
            "$ref": "#/components/schemas/JsonObject"
          },
          "annotations": {
            "$ref": "#/components/schemas/JsonObject"
          },
          "acknowledge_findings": {
            "type": "boolean",
            "description": "Approve even though the inspection found something `high`; needed for such a definition."
          }
        }
      },
      "ToolFinding": {
        "type": "object",
        "required": [
          "code",
          "severity",
          "field",
          "excerpt",
          "decoded"
        ],
        "description": "What the inspection of a tool definition found. `high` holds the tool until approved with\n`acknowledge_findings: true`. `excerpt` and `decoded` never hold a raw invisible character:\nthey are written as `\\uXXXX` escapes.\n",
        "properties": {
          "code": {
            "type": "string",
            "enum": [
              "hidden.tag_chars",
              "hidden.zero_width",
              "hidden.bidi",
              "name.confusable",
              "text.instruction_marker",
              "text.secret_reference",
              "text.cross_tool_reference",
              "text.oversized"
            ]
          },
          "severity": {
            "type": "string",
            "enum": [
              "high",
              "medium",
              "low"
            ]
          },
          "field": {
            "type": "string",
            "maxLength": 1024,
            "description": "Where in the definition, e.g. `description` or `input_schema.properties.path.description`."
          },
          "excerpt": {
            "type": "string",
            "maxLength": 1024
          },
          "decoded": {
            "type": "string",
            "maxLength": 8192,
            "description": "What a reader would not see, e.g. the ASCII that tag characters spell."
          }
        }
      },
      "ApprovedTool": {
        "type": "object",
        "required": [
          "name",
          "hash",
          "definition",
          "approved_at"
        ],
        "properties": {
          "name": {
            "type": "string",
            "maxLength": 256
          },
          "hash": {
            "$ref": "#/components/schemas/Sha256Hex"
          },
          "definition": {
            "$ref": "#/components/schemas/ToolDefinition"
          },
          "approved_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "findings": {
            "type": "array",
            "maxItems": 100,
            "description": "What the inspection of the definition found (see ToolFinding).",
            "items": {
              "$ref": "#/components/schemas/ToolFinding"
            }
          },
          "findings_acknowledged": {
            "type": "boolean",
            "description": "True when the approval was given with `acknowledge_findings` over a `high` finding."
          }
        }
      },
      "ToolList": {
        "type": "object",
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "maxItems": 1000,
            "items": {
              "$ref": "#/components/schemas/ApprovedTool"
            }
          }
        }
      },
      "PutCredentialRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "value",
          "bound_tools"
        ],
        "properties": {
          "value": {
            "type": "string",
            "minLength": 1,
            "maxLength": 16384,
            "writeOnly": true,
            "description": "The secret. It is encrypted at rest and never returned by these endpoints."
          },
          "bound_tools": {
            "type": "array",
            "minItems": 1,
            "maxItems": 100,
            "description": "Tool names or tool globs (`*` within one segment, a whole `**` segment across any number) whose `allow` decisions carry a lease of this credential.",
            "items": {
              "type": "string",
              "minLength": 1,
              "maxLength": 256
            }
          },
          "lease_ttl_seconds": {
            "type": "integer",
            "minimum": 1,
            "maximum": 3600,
            "default": 60
          },
          "delivery": {
            "$ref": "#/components/schemas/CredentialDelivery"
          }
        }
      },
      "CredentialDelivery": {
        "type": "string",
        "enum": [
          "sdk",
          "proxy"
        ],
        "default": "sdk",
        "description": "Who receives the secret on an `allow`. `sdk`: the decision carries a lease for the agent's\n`execute`. `proxy`: never leased to an agent key; only the enforcing proxy (a `proxy`-role key\nacting for the agent) receives it and injects it upstream.\n"
      },
      "CredentialMetadata": {
        "type": "object",
        "required": [
          "name",
          "bound_tools",
          "version",
          "lease_ttl_seconds",
          "created_at",
          "updated_at"
        ],
        "properties": {
          "name": {
            "type": "string",
            "maxLength": 128
          },
          "bound_tools": {
            "type": "array",
            "maxItems": 100,
            "items": {
              "type": "string",
              "maxLength": 256
            }
          },
          "delivery": {
            "$ref": "#/components/schemas/CredentialDelivery"
          },
          "version": {
            "type": "integer",
            "minimum": 1
          },
          "lease_ttl_seconds": {
            "type": "integer"
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "updated_at": {
            "$ref": "#/components/schemas/Timestamp"
          }
        }
      },
      "CredentialList": {
        "type": "object",
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "maxItems": 1000,
            "items": {
              "$ref": "#/components/schemas/CredentialMetadata"
            }
          }
        }
      },
      "CredentialDeletion": {
        "type": "object",
        "required": [
          "name",
          "deleted"
        ],
        "properties": {
          "name": {
            "type": "string",
            "maxLength": 128
          },
          "deleted": {
            "type": "boolean"
          }
        }
      },
      "ConditionOperator": {
        "type": "string",
        "enum": [
          "==",
          "!=",
          ">",
          ">=",
          "<",
          "<=",
          "in",
          "not_in",
          "contains",
          "starts_with",
          "ends_with",
          "glob",
          "exists",
          "missing",
          "type",
          "path_within"
        ]
      },
      "Condition": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "path",
          "operator"
        ],
        "properties": {
          "path": {
            "type": "string",
            "minLength": 1,
            "maxLength": 256,
            "description": "Dotted, rooted at tool, resource, goal, agent_id, user_id, mode, args, context or passport."
          },
          "operator": {
            "$ref": "#/components/schemas/ConditionOperator"
          },
          "value": {
            "description": "Any JSON value; numbers must be safe integers. Not used by `exists` and `missing`."
          }
        }
      },
      "PolicyRule": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "id",
          "decision",
          "reason"
        ],
        "properties": {
          "id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 128
          },
          "description": {
            "type": "string",
            "maxLength": 1024
          },
          "when": {
            "type": "array",
            "maxItems": 64,
            "description": "Every condition must hold.",
            "items": {
              "$ref": "#/components/schemas/Condition"
            }
          },
          "any": {
            "type": "array",
            "maxItems": 64,
            "description": "At least one condition must hold.",
            "items": {
              "$ref": "#/components/schemas/Condition"
            }
          },
          "limit": {
            "$ref": "#/components/schemas/PolicyLimit"
          },
          "decision": {
            "$ref": "#/components/schemas/DecisionValue"
          },
          "reason": {
            "$ref": "#/components/schemas/ReasonCode"
          },
          "risk_tier": {
            "$ref": "#/components/schemas/RiskTier"
          }
        }
      },
      "PolicyLimit": {
        "type": "object",
        "additionalProperties": false,
        "description": "A rate limit (`rate`: calls per window) or a budget (`budget`: the sum of an integer argument\nper window), counted per the `per` values (default `[agent_id]`) in fixed windows. The rule\nmatches only when its conditions hold and this action would pass the limit; until then the\nnext rule decides. Only actions the gateway answers `allow` are counted. A budget whose\nargument is missing or not a whole number ≥ 0 counts as reached.\n",
        "properties": {
          "rate": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "max",
              "window_seconds"
            ],
            "properties": {
              "max": {
                "type": "integer",
                "minimum": 1
              },
              "window_seconds": {
                "type": "integer",
                "minimum": 1,
                "maximum": 2678400
              }
            }
          },
          "budget": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "arg",
              "max",
              "window_seconds"
            ],
            "properties": {
              "arg": {
                "type": "string",
                "pattern": "^args(\\.[A-Za-z0-9_-]+)+$",
                "maxLength": 256,
                "description": "The argument to sum, e.g. `args.amount`."
              },
              "max": {
                "type": "integer",
                "minimum": 1
              },
              "window_seconds": {
                "type": "integer",
                "minimum": 1,
                "maximum": 2678400
              }
            }
          },
          "per": {
            "type": "array",
            "minItems": 1,
            "maxItems": 3,
            "uniqueItems": true,
            "items": {
              "type": "string",
              "enum": [
                "agent_id",
                "user_id",
                "tool"
              ]
            }
          }
        }
      },
      "PolicyDefault": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "decision",
          "reason"
        ],
        "properties": {
          "decision": {
            "$ref": "#/components/schemas/DecisionValue"
          },
          "reason": {
            "$ref": "#/components/schemas/ReasonCode"
          },
          "risk_tier": {
            "$ref": "#/components/schemas/RiskTier"
          }
        }
      },
      "Policy": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "id",
          "version",
          "rules"
        ],
        "description": "Rules are evaluated in order; the first rule whose conditions all hold wins. No match gives `default` (itself `deny` / `policy.no_match` when absent).",
        "properties": {
          "id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 128
          },
          "version": {
            "type": "integer",
            "minimum": 1,
            "maximum": 9007199254740991
          },
          "description": {
            "type": "string",
            "maxLength": 4096
          },
          "default": {
            "$ref": "#/components/schemas/PolicyDefault"
          },
          "rules": {
            "type": "array",
            "maxItems": 100000,
            "items": {
              "$ref": "#/components/schemas/PolicyRule"
            }
          }
        }
      },
      "PolicyDocument": {
        "type": "object",
        "required": [
          "policy",
          "hash",
          "updated_at"
        ],
        "properties": {
          "policy": {
            "$ref": "#/components/schemas/Policy"
          },
          "hash": {
            "$ref": "#/components/schemas/Sha256Hex"
          },
          "updated_at": {
            "$ref": "#/components/schemas/Timestamp"
          }
        }
      },
      "Role": {
        "type": "string",
        "enum": [
          "agent",
          "approver",
          "admin",
          "proxy"
        ]
      },
      "SignInProviders": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "maxItems": 1,
            "items": {
              "type": "object",
              "additionalProperties": false,
              "required": [
                "id",
                "name",
                "login_url"
              ],
              "properties": {
                "id": {
                  "type": "string",
                  "enum": [
                    "oidc"
                  ]
                },
                "name": {
                  "type": "string",
                  "maxLength": 64,
                  "description": "The provider's name as configured, for \"Sign in with <name>\"."
                },
                "login_url": {
                  "type": "string",
                  "maxLength": 256,
                  "description": "Where a browser starts the sign-in (a path on this gateway)."
                }
              }
            }
          }
        }
      },
      "SignInRedirect": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "location"
        ],
        "properties": {
          "location": {
            "type": "string",
            "maxLength": 8192
          }
        }
      },
      "ClaimedSession": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "token",
          "expires_at",
          "tenant_id",
          "key_id",
          "roles",
          "user"
        ],
        "properties": {
          "token": {
            "type": "string",
            "maxLength": 128,
            "description": "The session token, sent as a bearer token like an API key; held by the console's tab only."
          },
          "expires_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "tenant_id": {
            "type": "string",
            "maxLength": 128
          },
          "key_id": {
            "type": "string",
            "maxLength": 64,
            "description": "The person's stable, non-secret id here (`oidc_` and a digest of issuer and subject); shown as `decided_by`."
          },
          "roles": {
            "type": "array",
            "maxItems": 4,
            "items": {
              "$ref": "#/components/schemas/Role"
            }
          },
          "user": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "iss",
              "sub",
              "name"
            ],
            "description": "Who the provider says signed in; the ledger records `iss` and `sub` as `written_by.actor` on everything they do.",
            "properties": {
              "iss": {
                "type": "string",
                "maxLength": 2048
              },
              "sub": {
                "type": "string",
                "maxLength": 255
              },
              "name": {
                "type": [
                  "string",
                  "null"
                ],
                "maxLength": 200,
                "description": "For display only, as the provider sent it (text, never markup)."
              }
            }
          }
        }
      },
      "SignedOut": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "signed_out"
        ],
        "properties": {
          "signed_out": {
            "type": "boolean",
            "description": "True when the session was live until now."
          }
        }
      },
      "WhoAmI": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "tenant_id",
          "key_id",
          "roles"
        ],
        "properties": {
          "tenant_id": {
            "type": "string",
            "maxLength": 128
          },
          "key_id": {
            "type": "string",
            "maxLength": 128,
            "description": "The key's stable, non-secret id (never the key)."
          },
          "roles": {
            "type": "array",
            "maxItems": 4,
            "items": {
              "$ref": "#/components/schemas/Role"
            }
          },
          "agent_id": {
            "type": "string",
            "maxLength": 256,
            "description": "Present when the key is bound to one agent."
          }
        }
      },
      "ReportBucket": {
        "type": "string",
        "enum": [
          "minute",
          "hour",
          "day"
        ],
        "default": "hour"
      },
      "DecisionCounts": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "allow",
          "deny",
          "require_approval",
          "require_tool_reapproval",
          "warn"
        ],
        "properties": {
          "allow": {
            "type": "integer",
            "minimum": 0
          },
          "deny": {
            "type": "integer",
            "minimum": 0
          },
          "require_approval": {
            "type": "integer",
            "minimum": 0
          },
          "require_tool_reapproval": {
            "type": "integer",
            "minimum": 0
          },
          "warn": {
            "type": "integer",
            "minimum": 0
          }
        }
      },
      "RolloutReport": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "window",
          "totals",
          "counts",
          "buckets",
          "top_would_block"
        ],
        "properties": {
          "window": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "since",
              "until",
              "bucket"
            ],
            "properties": {
              "since": {
                "$ref": "#/components/schemas/Timestamp"
              },
              "until": {
                "$ref": "#/components/schemas/Timestamp"
              },
              "bucket": {
                "$ref": "#/components/schemas/ReportBucket"
              }
            }
          },
          "totals": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "decisions",
              "would_block",
              "observed",
              "observed_would_block"
            ],
            "properties": {
              "decisions": {
                "type": "integer",
                "minimum": 0
              },
              "would_block": {
                "type": "integer",
                "minimum": 0,
                "description": "Decisions whose enforce answer is `deny`, `require_approval` or `require_tool_reapproval`."
              },
              "observed": {
                "type": "integer",
                "minimum": 0,
                "description": "Decisions made in `monitor` or `warn` mode."
              },
              "observed_would_block": {
                "type": "integer",
                "minimum": 0,
                "description": "Monitor and warn decisions that `enforce` would block — what switching would change."
              }
            }
          },
          "counts": {
            "type": "array",
            "maxItems": 1000,
            "description": "One row per tool × reason × mode × decision × enforce decision, most frequent first.",
            "items": {
              "$ref": "#/components/schemas/RolloutCount"
            }
          },
          "buckets": {
            "type": "array",
            "maxItems": 2000,
            "description": "Every bucket of the window, oldest first, empty ones included.",
            "items": {
              "$ref": "#/components/schemas/RolloutBucket"
            }
          },
          "top_would_block": {
            "type": "array",
            "maxItems": 100,
            "description": "The monitor and warn actions enforce would block, most frequent first.",
            "items": {
              "$ref": "#/components/schemas/WouldBlockAction"
            }
          }
        }
      },
      "RolloutCount": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "tool",
          "reason_code",
          "mode",
          "decision",
          "enforce_decision",
          "count"
        ],
        "properties": {
          "tool": {
            "type": "string",
            "maxLength": 256
          },
          "reason_code": {
            "type": "string",
            "maxLength": 128
          },
          "mode": {
            "$ref": "#/components/schemas/Mode"
          },
          "decision": {
            "$ref": "#/components/schemas/DecisionValue"
          },
          "enforce_decision": {
            "$ref": "#/components/schemas/DecisionValue"
          },
          "count": {
            "type": "integer",
            "minimum": 1
          }
        }
      },
      "RolloutBucket": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "start",
          "total",
          "would_block",
          "by_enforce_decision"
        ],
        "properties": {
          "start": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "total": {
            "type": "integer",
            "minimum": 0
          },
          "would_block": {
            "type": "integer",
            "minimum": 0
          },
          "by_enforce_decision": {
            "$ref": "#/components/schemas/DecisionCounts"
          }
        }
      },
      "WouldBlockAction": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "tool",
          "resource",
          "reason_code",
          "enforce_decision",
          "count",
          "last_at",
          "last_event_id"
        ],
        "properties": {
          "tool": {
            "type": "string",
            "maxLength": 256
          },
          "resource": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 1024
          },
          "reason_code": {
            "type": "string",
            "maxLength": 128
          },
          "enforce_decision": {
            "$ref": "#/components/schemas/DecisionValue"
          },
          "count": {
            "type": "integer",
            "minimum": 1
          },
          "last_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "last_event_id": {
            "type": "string",
            "maxLength": 67,
            "pattern": "^ev_[A-Za-z0-9_-]+$"
          }
        }
      },
      "SimulatePolicyRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "policy"
        ],
        "properties": {
          "policy": {
            "$ref": "#/components/schemas/Policy"
          },
          "since": {
            "type": "string",
            "maxLength": 64,
            "format": "date-time",
            "description": "Start of the window (inclusive); default 24 hours before `until`."
          },
          "until": {
            "type": "string",
            "maxLength": 64,
            "format": "date-time",
            "description": "End of the window (exclusive); default now."
          },
          "after_seq": {
            "type": "integer",
            "minimum": 0,
            "default": 0,
            "description": "Page cursor over the changed decisions; pass the previous page's `next_after_seq`."
          },
          "limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": 1000,
            "default": 100,
            "description": "Changed decisions per page."
          }
        }
      },
      "SimulatedOutcome": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "decision",
          "reason_code",
          "matched_rules"
        ],
        "properties": {
          "decision": {
            "$ref": "#/components/schemas/DecisionValue"
          },
          "reason_code": {
            "type": "string",
            "maxLength": 128
          },
          "risk_tier": {
            "$ref": "#/components/schemas/RiskTier"
          },
          "matched_rules": {
            "type": "array",
            "maxItems": 16,
            "items": {
              "type": "string",
              "maxLength": 128
            }
          }
        }
      },
      "SimulatedChange": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "seq",
          "event_id",
          "at",
          "mode",
          "action_hash",
          "action",
          "recorded",
          "simulated"
        ],
        "properties": {
          "seq": {
            "type": "integer",
            "minimum": 1
          },
          "event_id": {
            "type": "string",
            "maxLength": 67,
            "pattern": "^ev_[A-Za-z0-9_-]+$"
          },
          "at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "mode": {
            "$ref": "#/components/schemas/Mode"
          },
          "action_hash": {
            "$ref": "#/components/schemas/Sha256Hex"
          },
          "action": {
            "$ref": "#/components/schemas/JsonObject"
          },
          "recorded": {
            "description": "What enforce answered, or would have answered, when the decision was recorded.",
            "allOf": [
              {
                "$ref": "#/components/schemas/SimulatedOutcome"
              }
            ]
          },
          "simulated": {
            "description": "What the candidate policy answers.",
            "allOf": [
              {
                "$ref": "#/components/schemas/SimulatedOutcome"
              }
            ]
          }
        }
      },
      "DecisionTransition": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "from",
          "to",
          "count"
        ],
        "properties": {
          "from": {
            "$ref": "#/components/schemas/DecisionValue"
          },
          "to": {
            "$ref": "#/components/schemas/DecisionValue"
          },
          "count": {
            "type": "integer",
            "minimum": 1
          }
        }
      },
      "PolicySimulation": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "window",
          "candidate",
          "summary",
          "changes",
          "next_after_seq"
        ],
        "properties": {
          "window": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "since",
              "until"
            ],
            "properties": {
              "since": {
                "$ref": "#/components/schemas/Timestamp"
              },
              "until": {
                "$ref": "#/components/schemas/Timestamp"
              }
            }
          },
          "candidate": {
            "$ref": "#/components/schemas/PolicyRef"
          },
          "summary": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "decisions",
              "evaluated",
              "held",
              "unchanged",
              "changed",
              "transitions"
            ],
            "properties": {
              "decisions": {
                "type": "integer",
                "minimum": 0,
                "description": "Recorded decisions in the window."
              },
              "evaluated": {
                "type": "integer",
                "minimum": 0,
                "description": "Decisions whose policy stage was re-run."
              },
              "held": {
                "type": "integer",
                "minimum": 0,
                "description": "Decisions settled before the policy (passport, approval, tool drift, vault); kept as recorded."
              },
              "unchanged": {
                "type": "integer",
                "minimum": 0
              },
              "changed": {
                "type": "integer",
                "minimum": 0
              },
              "transitions": {
                "type": "array",
                "maxItems": 25,
                "description": "Changed decisions by recorded → simulated answer, most frequent first.",
                "items": {
                  "$ref": "#/components/schemas/DecisionTransition"
                }
              }
            }
          },
          "changes": {
            "type": "array",
            "maxItems": 1000,
            "items": {
              "$ref": "#/components/schemas/SimulatedChange"
            }
          },
          "next_after_seq": {
            "type": [
              "integer",
              "null"
            ],
            "description": "Pass as `after_seq` for the next page of changes; null at the end."
          }
        }
      },
      "WebhookEventType": {
        "type": "string",
        "enum": [
          "approval.requested",
          "approval.approved",
          "approval.denied",
          "approval.expired",
          "decision.blocked"
        ],
        "description": "`approval.*` when a held action is requested and when it is approved, denied or expires;\n`decision.blocked` when an enforced preflight answers `deny` or `require_tool_reapproval`.\n"
      },
      "WebhookFormat": {
        "type": "string",
        "enum": [
          "json",
          "slack"
        ],
        "default": "json",
        "description": "`json`: the `WebhookEvent` itself. `slack`: a Slack incoming-webhook message made from it."
      },
      "PutWebhookRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "url",
          "events"
        ],
        "properties": {
          "url": {
            "type": "string",
            "minLength": 8,
            "maxLength": 2048,
            "description": "`https://…`, or `http://` to a loopback address; no user name or password."
          },
          "events": {
            "type": "array",
            "minItems": 1,
            "maxItems": 5,
            "uniqueItems": true,
            "items": {
              "$ref": "#/components/schemas/WebhookEventType"
            }
          },
          "format": {
            "$ref": "#/components/schemas/WebhookFormat"
          },
          "secret": {
            "type": "string",
            "writeOnly": true,
            "pattern": "^whsec_[A-Za-z0-9+/]{20,88}={0,2}$",
            "maxLength": 96,
            "description": "`whsec_` and base64 of 16 to 64 random bytes. Generated when a new endpoint has none."
          },
          "enabled": {
            "type": "boolean",
            "default": true
          }
        }
      },
      "Webhook": {
        "type": "object",
        "required": [
          "id",
          "url",
          "events",
          "format",
          "enabled",
          "source",
          "created_at",
          "updated_at"
        ],
        "properties": {
          "id": {
            "type": "string",
            "maxLength": 64
          },
          "url": {
            "type": "string",
            "maxLength": 2048,
            "description": "The origin and first path segment; the rest shows as `…`."
          },
          "events": {
            "type": "array",
            "maxItems": 5,
            "items": {
              "$ref": "#/components/schemas/WebhookEventType"
            }
          },
          "format": {
            "$ref": "#/components/schemas/WebhookFormat"
          },
          "enabled": {
            "type": "boolean"
          },
          "source": {
            "type": "string",
            "enum": [
              "api",
              "config"
            ]
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "updated_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "secret": {
            "type": "string",
            "maxLength": 96,
            "description": "Only in the response that generated it; store it now, it is never shown again."
          }
        }
      },
      "WebhookList": {
        "type": "object",
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "maxItems": 50,
            "items": {
              "$ref": "#/components/schemas/Webhook"
            }
          }
        }
      },
      "WebhookDeletion": {
        "type": "object",
        "required": [
          "id",
          "deleted"
        ],
        "properties": {
          "id": {
            "type": "string",
            "maxLength": 64
          },
          "deleted": {
            "type": "boolean"
          }
        }
      },
      "WebhookDeliveryStatus": {
        "type": "string",
        "enum": [
          "pending",
          "delivered",
          "dead"
        ]
      },
      "WebhookDelivery": {
        "type": "object",
        "required": [
          "id",
          "webhook_id",
          "event_id",
          "event_type",
          "status",
          "attempts",
          "max_attempts",
          "created_at",
          "last_attempt_at",
          "next_attempt_at",
          "delivered_at",
          "last_status",
          "last_error"
        ],
        "properties": {
          "id": {
            "type": "string",
            "maxLength": 68,
            "pattern": "^whd_[A-Za-z0-9_-]+$"
          },
          "webhook_id": {
            "type": "string",
            "maxLength": 64
          },
          "event_id": {
            "type": "string",
            "maxLength": 67,
            "description": "The `webhook-id` header of every attempt; the same across retries."
          },
          "event_type": {
            "$ref": "#/components/schemas/WebhookEventType"
          },
          "status": {
            "$ref": "#/components/schemas/WebhookDeliveryStatus"
          },
          "attempts": {
            "type": "integer",
            "minimum": 0
          },
          "max_attempts": {
            "type": "integer",
            "minimum": 1
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "last_attempt_at": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Timestamp"
              },
              {
                "type": "null"
              }
            ]
          },
          "next_attempt_at": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Timestamp"
              },
              {
                "type": "null"
              }
            ]
          },
          "delivered_at": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Timestamp"
              },
              {
                "type": "null"
              }
            ]
          },
          "last_status": {
            "type": [
              "integer",
              "null"
            ],
            "description": "The HTTP status of the last answer; null when none came (refused, timed out)."
          },
          "last_error": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 1024,
            "description": "The gateway's description of the last failure."
          }
        }
      },
      "WebhookDeliveryList": {
        "type": "object",
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "maxItems": 500,
            "items": {
              "$ref": "#/components/schemas/WebhookDelivery"
            }
          }
        }
      },
      "BlockedDecision": {
        "type": "object",
        "required": [
          "request_id",
          "decision",
          "reason_code",
          "risk_tier",
          "mode",
          "action_hash",
          "action",
          "evidence_event_id",
          "decided_at"
        ],
        "properties": {
          "request_id": {
            "type": "string",
            "maxLength": 128
          },
          "decision": {
            "$ref": "#/components/schemas/DecisionValue"
          },
          "reason_code": {
            "$ref": "#/components/schemas/ReasonCode"
          },
          "risk_tier": {
            "type": "string",
            "maxLength": 16
          },
          "mode": {
            "$ref": "#/components/schemas/Mode"
          },
          "action_hash": {
            "$ref": "#/components/schemas/Sha256Hex"
          },
          "action": {
            "$ref": "#/components/schemas/CanonicalAction"
          },
          "evidence_event_id": {
            "type": "string",
            "maxLength": 67
          },
          "decided_at": {
            "$ref": "#/components/schemas/Timestamp"
          }
        }
      },
      "WebhookEvent": {
        "type": "object",
        "description": "The body of a `json`-format delivery, as `webhooks.verify()` in both SDKs returns it. `id` is\nalso the `webhook-id` header (the same on every retry, so receivers can drop duplicates).\n",
        "required": [
          "id",
          "type",
          "created_at",
          "tenant_id",
          "data"
        ],
        "properties": {
          "id": {
            "type": "string",
            "maxLength": 128
          },
          "type": {
            "$ref": "#/components/schemas/WebhookEventType"
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "tenant_id": {
            "type": "string",
            "maxLength": 128
          },
          "data": {
            "type": "object",
            "required": [
              "console_url"
            ],
            "properties": {
              "approval": {
                "$ref": "#/components/schemas/ApprovalRequest"
              },
              "decision": {
                "$ref": "#/components/schemas/BlockedDecision"
              },
              "console_url": {
                "type": [
                  "string",
                  "null"
                ],
                "maxLength": 2048,
                "description": "The request (or the decisions view) in the console, when its public URL is configured."
              }
            }
          }
        }
      },
      "Jwk": {
        "type": "object",
        "required": [
          "kty",
          "crv",
          "x",
          "kid"
        ],
        "properties": {
          "kty": {
            "type": "string",
            "const": "OKP"
          },
          "crv": {
            "type": "string",
            "const": "Ed25519"
          },
          "x": {
            "type": "string",
            "maxLength": 64
          },
          "kid": {
            "type": "string",
            "maxLength": 128
          },
          "alg": {
            "type": "string",
            "maxLength": 16
          },
          "use": {
            "type": "string",
            "maxLength": 16
          }
        }
      },
      "Jwks": {
        "type": "object",
        "required": [
          "keys"
        ],
        "properties": {
          "keys": {
            "type": "array",
            "maxItems": 100,
            "items": {
              "$ref": "#/components/schemas/Jwk"
            }
          }
        }
      },
      "Health": {
        "type": "object",
        "required": [
          "status"
        ],
        "properties": {
          "status": {
            "type": "string",
            "enum": [
              "ok"
            ]
          }
        }
      },
      "ErrorDetail": {
        "type": "object",
        "required": [
          "path",
          "message"
        ],
        "properties": {
          "path": {
            "type": "string",
            "maxLength": 1024
          },
          "message": {
            "type": "string",
            "maxLength": 4096
          },
          "rule_id": {
            "type": "string",
            "maxLength": 128
          }
        }
      },
      "Error": {
        "type": "object",
        "required": [
          "error"
        ],
        "properties": {
          "error": {
            "type": "object",
            "required": [
              "code",
              "message",
              "request_id"
            ],
            "properties": {
              "code": {
                "$ref": "#/components/schemas/FixedReasonCode"
              },
              "message": {
                "type": "string",
                "maxLength": 8192
              },
              "request_id": {
                "type": "string",
                "maxLength": 128
              },
              "details": {
                "type": "array",
                "maxItems": 100,
                "items": {
                  "$ref": "#/components/schemas/ErrorDetail"
                }
              }
            }
          }
        }
      }
    }
  }
};
