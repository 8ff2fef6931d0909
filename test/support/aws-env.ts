// The environment a CLI test gives `remote` / `load` against the emulator: these keys and nothing of
// the machine's own AWS setup (no profile files, no instance-metadata lookups, no session token).
import path from 'node:path';

export function cleanAwsEnv(home: string, accessKeyId: string, secretAccessKey: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: undefined,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    ...extra,
  };
}
