// A camera frame as the reader takes it: the guide box in the frame's middle, scaled down to a bounded size.
// Twin of pipeline/read/camera.py, with the same box (config.camera); the browser's image smoothing scales it,
// so the two crops agree in their box and size, and are read alike, not to the pixel.

/** The guide box of a width x height frame, in frame pixels, and the size it is scaled to. */
export function guideBox(width, height, settings) {
  const boxWidth = Math.max(1, Math.round(width * settings.guide_width));
  const boxHeight = Math.max(1, Math.round(height * settings.guide_height));
  const scale = Math.min(1, settings.max_side / Math.max(boxWidth, boxHeight));
  return {
    left: Math.floor((width - boxWidth) / 2),
    top: Math.floor((height - boxHeight) / 2),
    width: boxWidth,
    height: boxHeight,
    outWidth: Math.max(1, Math.round(boxWidth * scale)),
    outHeight: Math.max(1, Math.round(boxHeight * scale)),
  };
}

/**
 * The ImageData of a video frame's guide box, scaled by the browser as it copies it: only the box's pixels,
 * at most max_side across, ever leave the video, whatever the camera's resolution.
 */
export function cropFrame(video, settings, canvas) {
  const guide = guideBox(video.videoWidth, video.videoHeight, settings);
  canvas.width = guide.outWidth;
  canvas.height = guide.outHeight;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(video, guide.left, guide.top, guide.width, guide.height, 0, 0, guide.outWidth, guide.outHeight);
  return { guide, imageData: ctx.getImageData(0, 0, guide.outWidth, guide.outHeight) };
}
