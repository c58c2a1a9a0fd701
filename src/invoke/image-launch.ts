// How a function with PackageType Image is started: its command is the ImageConfig's EntryPoint
// and Command, else the image's Entrypoint and Cmd; it starts in WorkingDirectory, else the
// image's WorkingDir; its environment is the image's Env under the function's Environment, under
// the variables Lambda itself sets (AWS_LAMBDA_RUNTIME_API is added by the instance).
import type { FunctionRecord } from '../control/function-record.js';
import type { ImageInfo } from '../storage/image-store.js';
import { lambdaSetEnvironment, networkOf, type Launch, type LaunchContext } from './runtime-launch.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export class ImageLaunchError extends Error {}

function imageEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

export function buildImageLaunch(fn: FunctionRecord, image: ImageInfo, rootfs: string, ctx: Omit<LaunchContext, 'interpreter' | 'opt'>): Launch {
  const { mode: network } = networkOf(fn);
  if (network !== 'on') throw new ImageLaunchError('an image function runs with the network on');
  const entrypoint = fn.imageConfig?.entryPoint ?? image.entrypoint;
  const command = fn.imageConfig?.command ?? image.cmd;
  const cmd = [...entrypoint, ...command];
  if (cmd.length === 0) throw new ImageLaunchError('the image has no entry point and no command, and the function sets no ImageConfig');
  const fromImage = imageEnv(image.env);
  const env: Record<string, string> = {
    PATH: DEFAULT_PATH,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    ...fromImage,
    ...fn.environment,
    // The handler an AWS base image's runtime loads is the first word of its command.
    ...(command.length > 0 ? { _HANDLER: command[0] } : {}),
    ...lambdaSetEnvironment(fn, ctx),
  };
  return {
    cmd,
    env,
    codeDir: rootfs,
    readOnlyPaths: [],
    network,
    allowed: [],
    rootfs,
    workingDir: fn.imageConfig?.workingDirectory ?? image.workingDir ?? '/',
  };
}
