# Generated from packages/contract/openapi.yaml by python/scripts/gen_types.py (datamodel-code-generator). Do not edit: run `pnpm gen`.
