// The twin of pipeline/read/images.py: an image file, uploaded or dropped, into RGBA ImageData at its
// natural size, or a one-line UploadError.
export class UploadError extends Error {}

// Reads the dimensions from the header (an <img> loads them without decoding
// the pixels), so an oversized image is refused before it is decoded.
function naturalSize(url) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight });
    img.onerror = () => reject(new UploadError('That file is not an image this page can read: try a PNG, JPEG, WebP or GIF.'));
    img.src = url;
  });
}

export async function fileToImageData(file, maxPixels) {
  const url = URL.createObjectURL(file);
  try {
    const { width, height } = await naturalSize(url);
    if (!width || !height) throw new UploadError('That image is empty.');
    if (width * height > maxPixels) {
      throw new UploadError(`That image is too large (${width}×${height} pixels): please use a smaller one.`);
    }
    // createImageBitmap applies EXIF orientation, and takes a GIF's first frame.
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    try {
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(bitmap, 0, 0);
      return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    } finally {
      bitmap.close();
    }
  } catch (error) {
    if (error instanceof UploadError) throw error;
    throw new UploadError('That image could not be decoded: try a PNG, JPEG, WebP or GIF.');
  } finally {
    URL.revokeObjectURL(url);
  }
}
