/** `bw-relay profiles …`: named relays (local, staging, production) in the config file. */
import type { Command } from "commander";
import { configPath, loadConfig, type Profile, saveConfig } from "../config.ts";
import { LOCAL_URL } from "../connection.ts";
import { type App, examples } from "../context.ts";
import { CliError, EXIT } from "../errors.ts";

const describeToken = (p: Profile) => (p.tokenEnv ? `$${p.tokenEnv}` : p.token ? "(in file)" : "-");

export function registerProfiles(program: Command, app: App): void {
  const profiles = program
    .command("profiles")
    .description("named relays in the config file, selected with --profile");
  profiles.addHelpText(
    "after",
    `\nThe file: $BW_RELAY_CONFIG, else $XDG_CONFIG_HOME/bw-relay/config.json (~/.config/bw-relay/config.json).\nPrecedence: flags, then --profile/BW_RELAY_PROFILE, then BW_RELAY_URL/BW_RELAY_TOKEN, then the default profile, then ${LOCAL_URL}.`,
  );
  examples(profiles, [
    "profiles set staging --url https://relay-staging.example.com --token-env BW_RELAY_STAGING_TOKEN",
    "profiles use staging",
    "targets list --profile production",
  ]);

  const list = profiles.command("list").alias("ls").description("every profile");
  examples(list, ["profiles list", "profiles list --json"]).action((_o, cmd: Command) => {
    const ctx = app.ctx(cmd);
    const path = configPath(ctx.io.env);
    const config = loadConfig(path);
    const all = { local: { url: LOCAL_URL }, ...config.profiles } as Record<string, Profile>;
    if (ctx.out.json)
      return ctx.out.data({
        path,
        defaultProfile: config.defaultProfile ?? null,
        profiles: config.profiles,
      });
    ctx.out.table(
      ["PROFILE", "URL", "TOKEN", "CALLBACK USER", "DEFAULT"],
      Object.entries(all).map(([name, p]) => [
        name,
        p.url ?? LOCAL_URL,
        name === "local" && !config.profiles.local ? "dev token / .dev.vars" : describeToken(p),
        p.callbackUsername,
        config.defaultProfile === name ? "*" : "",
      ]),
    );
    ctx.out.line(ctx.out.c.dim(path));
  });

  const set = profiles
    .command("set")
    .argument("<name>")
    .description(
      "create or change a profile: --url, --token or --token-env, --callback-user, --callback-password(-env)",
    )
    .option(
      "--token-env <VAR>",
      "read the admin token from this environment variable (keeps it out of the file)",
    )
    .option(
      "--callback-password-env <VAR>",
      "read the callback password from this environment variable",
    )
    .option("--default", "make it the default profile");
  examples(set, [
    "profiles set staging --url https://relay-staging.example.com --token-env BW_RELAY_STAGING_TOKEN",
    "profiles set production --url https://relay.example.com --token-env BW_RELAY_PROD_TOKEN --callback-user bandwidth --callback-password-env BW_PROD_CALLBACK_PASSWORD",
  ]).action(
    (
      name: string,
      flags: { tokenEnv?: string; callbackPasswordEnv?: string; default?: boolean },
      cmd: Command,
    ) => {
      const ctx = app.ctx(cmd);
      // --url, --token, --callback-user and --callback-password are the global flags, read here.
      const g = ctx.opts;
      const path = configPath(ctx.io.env);
      const config = loadConfig(path);
      const profile: Profile = { ...config.profiles[name] };
      if (g.url) profile.url = g.url.replace(/\/+$/, "");
      if (g.token) profile.token = g.token;
      if (flags.tokenEnv) {
        profile.tokenEnv = flags.tokenEnv;
        delete profile.token;
      }
      if (g.callbackUser) profile.callbackUsername = g.callbackUser;
      if (g.callbackPassword) profile.callbackPassword = g.callbackPassword;
      if (flags.callbackPasswordEnv) {
        profile.callbackPasswordEnv = flags.callbackPasswordEnv;
        delete profile.callbackPassword;
      }
      config.profiles[name] = profile;
      if (flags.default) config.defaultProfile = name;
      saveConfig(path, config);
      if (ctx.out.json)
        return ctx.out.data({ path, name, profile, defaultProfile: config.defaultProfile ?? null });
      ctx.out.line(`saved profile ${name} in ${path}${flags.default ? " (default)" : ""}`);
      if (profile.token)
        ctx.out.warn(
          "the admin token is stored in the file; --token-env keeps it in the environment instead",
        );
    },
  );

  const use = profiles.command("use").argument("<name>").description("make a profile the default");
  examples(use, ["profiles use staging", "profiles use local"]).action(
    (name: string, _o, cmd: Command) => {
      const ctx = app.ctx(cmd);
      const path = configPath(ctx.io.env);
      const config = loadConfig(path);
      if (!config.profiles[name] && name !== "local")
        throw new CliError(`no profile "${name}" in ${path}`, EXIT.NOT_FOUND, "profile_not_found");
      config.defaultProfile = name;
      saveConfig(path, config);
      if (ctx.out.json) return ctx.out.data({ path, defaultProfile: name });
      ctx.out.line(`default profile: ${name}`);
    },
  );

  const remove = profiles
    .command("remove")
    .alias("rm")
    .argument("<name>")
    .description("delete a profile");
  examples(remove, ["profiles remove staging"]).action((name: string, _o, cmd: Command) => {
    const ctx = app.ctx(cmd);
    const path = configPath(ctx.io.env);
    const config = loadConfig(path);
    if (!config.profiles[name])
      throw new CliError(`no profile "${name}" in ${path}`, EXIT.NOT_FOUND, "profile_not_found");
    delete config.profiles[name];
    if (config.defaultProfile === name) delete config.defaultProfile;
    saveConfig(path, config);
    if (ctx.out.json) return ctx.out.data({ path, removed: name });
    ctx.out.line(`removed profile ${name}`);
  });
}
