// Gust's stand-in for a container registry: `PUT /gust/images?name=NAME:TAG` takes an image
// archive (docker save, or an OCI image layout as a tar) and files it under its names;
// `GET /gust/images` lists the names. CreateFunction's Code.ImageUri then resolves to them.
import { GustError, invalidParameter } from '../../errors.js';
import { ImageUnpackError } from '../../control/image-unpack.js';
import { imageName, parseImageReference } from '../../control/image-uri.js';
import type { ImageStore } from '../../storage/image-store.js';
import { sendJson } from '../http-io.js';
import type { OperationContext } from '../service.js';

/** The largest archive accepted in one request (it is held in memory while its signature is checked). */
export const MAX_IMAGE_ARCHIVE_BYTES = 1024 * 1024 * 1024;

export class ImageRoutes {
  constructor(private readonly images: ImageStore) {}

  async importImage(ctx: OperationContext) {
    const names = ctx.query.getAll('name').map((given) => {
      const ref = parseImageReference(given);
      if (!ref || ref.digest) throw invalidParameter(`Image name ${JSON.stringify(given.slice(0, 200))} is not NAME:TAG (lower-case repository, optional tag).`);
      return imageName(ref);
    });
    if (ctx.body.length === 0) throw invalidParameter('The request body must be an image archive (docker save, or an OCI image layout as a tar).');
    try {
      const { image, names: filed } = await this.images.import(ctx.body, names);
      sendJson(ctx.res, 201, {
        Id: `sha256:${image.id}`,
        Names: filed,
        Bytes: image.bytes,
        Entrypoint: image.entrypoint,
        Cmd: image.cmd,
        WorkingDir: image.workingDir,
        Architecture: image.architecture,
      });
    } catch (err) {
      if (err instanceof ImageUnpackError) throw new GustError('InvalidParameterValueException', err.message);
      throw err;
    }
  }

  async listImages(ctx: OperationContext) {
    const images = this.images.list().map((r) => ({ Name: r.name, Id: `sha256:${r.id}`, Bytes: this.images.info(r.id)?.bytes ?? 0 }));
    sendJson(ctx.res, 200, { Images: images });
  }
}
