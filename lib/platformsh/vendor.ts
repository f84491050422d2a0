// Vendor names that are not hosts (hosts come from configuration). Upsun's `env:UPSUN_CLI_TOKEN` is
// planned in the contract; when it comes, it becomes a setting beside the API URLs.

/** The environment variable the Platform.sh CLI reads its API token from, as a variable name. */
export const CLI_TOKEN_VARIABLE = 'env:PLATFORMSH_CLI_TOKEN';
