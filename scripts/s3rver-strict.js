'use strict';
// s3rver with the multipart checks real S3 makes (s3rver 3.7.1 lacks them), so tests cannot pass against it with
// requests S3 would refuse:
//   - ListParts (GET ?uploadId), paginated by max-parts / part-number-marker (at most 1,000 parts a page, as S3);
//   - UploadPart only into an existing upload (NoSuchUpload), part numbers 1..10000 (InvalidArgument);
//   - CompleteMultipartUpload: parts ascending (InvalidPartOrder), each uploaded with the ETag given (InvalidPart), each
//     but the last at least 5 MiB (EntityTooSmall), the upload existing for this key (NoSuchUpload);
//   - AbortMultipartUpload (DELETE ?uploadId).
// Usage: node s3rver-strict.js DIR ADDRESS PORT BUCKET   (NODE_PATH must reach the s3rver package)
const fs = require('fs');
const path = require('path');
const { Readable } = require('stream');
const S3rver = require('s3rver');
const S3Error = require('s3rver/lib/models/error');
const xmlParser = require('fast-xml-parser');

const MIN_PART_BYTES = 5 * 1024 * 1024;
const [directory, address, port, bucket] = process.argv.slice(2);
const server = new S3rver({ directory, address, port: Number(port), silent: false, configureBuckets: [{ name: bucket }] });

function uploadDir(store, bucketName, uploadId) {
  return path.join(store.getResourcePath(bucketName, undefined, 'uploads'), uploadId);
}

function existingUpload(store, bucketName, key, uploadId) {
  const dir = uploadDir(store, bucketName, uploadId);
  if (!/^[0-9a-f]+$/.test(uploadId) || !fs.existsSync(path.join(dir, 'key')) || fs.readFileSync(path.join(dir, 'key'), 'utf8') !== key) {
    throw new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: uploadId });
  }
  return dir;
}

function listedParts(dir) {
  return fs.readdirSync(dir).filter(name => /^[0-9]+$/.test(name)).map(Number).sort((a, b) => a - b).map(number => {
    const file = path.join(dir, String(number));
    return { number, size: fs.statSync(file).size, etag: fs.readFileSync(`${file}.md5`, 'utf8'), modified: fs.statSync(file).mtime };
  });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function strictMultipart(ctx, next) {
  const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
  if (!match || !('uploadId' in ctx.query)) {
    return next();
  }
  const [, bucketName, rawKey] = match;
  const key = decodeURIComponent(rawKey);
  const { uploadId } = ctx.query;
  const store = ctx.store;
  if (ctx.method === 'PUT' && !('x-amz-copy-source' in ctx.headers)) {
    const partNumber = Number(ctx.query.partNumber);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) {
      throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', { ArgumentName: 'partNumber', ArgumentValue: ctx.query.partNumber });
    }
    existingUpload(store, bucketName, key, uploadId);
    return next();
  }
  if (ctx.method === 'GET') {
    const dir = existingUpload(store, bucketName, key, uploadId);
    const maxParts = Math.min(Number(ctx.query['max-parts'] || 1000), 1000);
    const marker = Number(ctx.query['part-number-marker'] || 0);
    const after = listedParts(dir).filter(p => p.number > marker);
    const page = after.slice(0, maxParts);
    const truncated = after.length > page.length;
    ctx.body = {
      ListPartsResult: {
        '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
        Bucket: bucketName, Key: key, UploadId: uploadId, PartNumberMarker: marker,
        NextPartNumberMarker: page.length ? page[page.length - 1].number : marker,
        MaxParts: maxParts, IsTruncated: truncated,
        Part: page.map(p => ({ PartNumber: p.number, LastModified: p.modified.toISOString(), ETag: `"${p.etag}"`, Size: p.size })),
      },
    };
    return undefined;
  }
  if (ctx.method === 'DELETE') {
    const dir = existingUpload(store, bucketName, key, uploadId);
    fs.rmSync(dir, { recursive: true, force: true });
    ctx.status = 204;
    return undefined;
  }
  if (ctx.method === 'POST') {
    const dir = existingUpload(store, bucketName, key, uploadId);
    const xml = await readBody(ctx.req);
    if (xmlParser.validate(xml) !== true) {
      throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    }
    const body = xmlParser.parse(xml);
    const requested = body.CompleteMultipartUpload && body.CompleteMultipartUpload.Part ? [].concat(body.CompleteMultipartUpload.Part) : [];
    if (requested.length === 0) {
      throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    }
    const uploaded = new Map(listedParts(dir).map(p => [p.number, p]));
    const parts = requested.map(p => ({ number: Number(p.PartNumber), etag: String(p.ETag).replace(/"/g, '') }));
    parts.forEach((part, i) => {
      if (i > 0 && part.number <= parts[i - 1].number) {
        throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', { UploadId: uploadId });
      }
      const stored = uploaded.get(part.number);
      if (!stored || stored.etag !== part.etag) {
        throw new S3Error('InvalidPart', 'One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.', { UploadId: uploadId, PartNumber: part.number, ETag: part.etag });
      }
      if (i < parts.length - 1 && stored.size < MIN_PART_BYTES) {
        throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', { ProposedSize: stored.size, MinSizeAllowed: MIN_PART_BYTES, PartNumber: part.number });
      }
    });
    const { md5 } = await store.putObjectMultipart(bucketName, uploadId, parts);
    ctx.body = { CompleteMultipartUploadResult: { Location: ctx.href.split('?')[0], Bucket: bucketName, Key: key, ETag: `"${md5}-${parts.length}"` } };
    return undefined;
  }
  return next();
}

// After s3rver's logger and XML encoder (so errors and bodies come out as S3 XML), before its routes.
server.middleware.splice(2, 0, strictMultipart);
server.run().then(({ address: a, port: p }) => console.log(`s3rver-strict listening on ${a}:${p}`)).catch(err => {
  console.error(err);
  process.exit(1);
});
