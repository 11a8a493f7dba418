import { z } from 'zod';
import { idSchema, nameSchema, slugSchema, timestampSchema } from './common.js';

export const NETWORK_MODES = ['restricted', 'free'] as const;
export type NetworkMode = (typeof NETWORK_MODES)[number];

export const DEFAULT_RUNTIME_IMAGE = 'debian:bookworm-slim';

const IMAGE_PATTERN =
  /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export const runtimeImageSchema = z
  .string()
  .trim()
  .max(255)
  .regex(IMAGE_PATTERN, 'must be a container image reference such as debian:bookworm-slim');

const HOST_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN_PATTERN = new RegExp(`^(?:\\*\\.)?${HOST_LABEL}(?:\\.${HOST_LABEL})*$`);

/** A domain for the egress allowlist: lower-cased, trailing dot removed; `*.example.com` allowed. */
export const allowedDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((value) => value.replace(/\.$/, ''))
  .pipe(
    z
      .string()
      .max(253)
      .regex(
        DOMAIN_PATTERN,
        'must be a domain name such as example.com or *.example.com (no scheme, port or path)',
      ),
  );

export const allowedDomainsSchema = z
  .array(allowedDomainSchema)
  .max(500)
  .transform((domains) => [...new Set(domains)]);

export const memoryMbSchema = z.number().int().min(256).max(262_144);
export const cpusSchema = z.number().min(0.1).max(128);

export const crewSchema = z.object({
  id: idSchema,
  workspace_id: idSchema,
  name: z.string(),
  slug: z.string(),
  description: z.string(),
  runtime_image: z.string(),
  network_mode: z.enum(NETWORK_MODES),
  allowed_domains: z.array(z.string()),
  memory_mb: z.number().int(),
  cpus: z.number(),
  created_at: timestampSchema,
  updated_at: timestampSchema,
});
export type Crew = z.infer<typeof crewSchema>;

const crewFields = {
  name: nameSchema,
  slug: slugSchema,
  description: z.string().max(2000),
  runtime_image: runtimeImageSchema,
  network_mode: z.enum(NETWORK_MODES),
  allowed_domains: allowedDomainsSchema,
  memory_mb: memoryMbSchema,
  cpus: cpusSchema,
};

export const createCrewRequestSchema = z.strictObject({
  name: crewFields.name,
  slug: crewFields.slug.optional(),
  description: crewFields.description.default(''),
  runtime_image: crewFields.runtime_image.default(DEFAULT_RUNTIME_IMAGE),
  network_mode: crewFields.network_mode.default('restricted'),
  allowed_domains: crewFields.allowed_domains.default([]),
  memory_mb: crewFields.memory_mb.default(2048),
  cpus: crewFields.cpus.default(2),
});
export type CreateCrewRequest = z.input<typeof createCrewRequestSchema>;

export const updateCrewRequestSchema = z
  .strictObject({
    name: crewFields.name.optional(),
    slug: crewFields.slug.optional(),
    description: crewFields.description.optional(),
    runtime_image: crewFields.runtime_image.optional(),
    network_mode: crewFields.network_mode.optional(),
    allowed_domains: crewFields.allowed_domains.optional(),
    memory_mb: crewFields.memory_mb.optional(),
    cpus: crewFields.cpus.optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'must change at least one field');
export type UpdateCrewRequest = z.input<typeof updateCrewRequestSchema>;
