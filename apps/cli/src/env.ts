import { loadConfig } from '@agent/config';

/**
 * The store the environment names (DATABASE_URL, else DB_PATH with its
 * default), read through the one configuration schema. Only this module
 * reads the environment.
 */
export function storeFromEnvironment(): { databaseUrl?: string; dbPath?: string } {
  const config = loadConfig();
  return config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dbPath: config.dbPath };
}

/** LICENSE_KEY, LICENSE_SIGNING_SECRET and LICENSE_PUBLIC_KEY, for `devops-agent license`. */
export function licenseFromEnvironment(): {
  key: string | null;
  signingSecret: string | null;
  publicKey: string | null;
} {
  const { key, signingSecret, publicKey } = loadConfig().license;
  return { key, signingSecret, publicKey };
}
