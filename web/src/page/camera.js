// The camera mode: the rear camera's video with its guide box, read frame after frame as an upload is (read/camera.js
// crops each frame), the digits' boxes drawn over it, an answer held once a few readings in a row agree, and a button
// that freezes the frame for the answer panel, as an upload. A frame that comes while one is read is skipped, so the
// video never waits for the reader.
import { cropFrame, guideBox } from '../read/camera.js';
import { readingBoxes, strokeBoxes } from './pad.js';

const REFUSED = 'The camera was not allowed: allow it in the browser\u2019s settings for this site, or upload a photo.';
const ERRORS = {
  NotAllowedError: REFUSED,
  SecurityError: REFUSED,
  NotFoundError: 'No camera was found: upload a photo instead.',
  OverconstrainedError: 'No camera was found: upload a photo instead.',
  NotReadableError: 'The camera could not be started: another app may be using it.',
};
const EDGE = 2; // pixels of the guide box's crop within which ink is cut by its edge
const NO_CAMERA_API = 'This browser offers no camera to this page (it needs https): upload a photo instead.';

// The one sentence a person is told when the camera cannot start.
function cameraErrorMessage(error) {
  return ERRORS[error?.name] ?? `The camera could not be started (${error?.message ?? error}).`;
}

/**
 * root holds the <video>, the overlay <canvas> and the freeze button. read(imageData) is the page's reader;
 * onHeld(reading) gets each new held answer; onFrozen(imageData) the frozen frame's guide box, after the camera
 * has stopped; onStop() is called whenever the mode ends.
 */
export function createCamera(root, { settings, read, onHeld, onFrozen, onStop }) {
  const video = root.querySelector('video');
  const overlay = root.querySelector('canvas');
  const freezeButton = root.querySelector('[data-testid="camera-freeze"]');
  const scratch = document.createElement('canvas');
  let stream = null;
  let busy = false;
  let latest = null; // the last frame read: its guide box's ImageData
  let streak = { text: '', left: 0, count: 0 };
  let held = '';
  // What `invoke bench` reads: when the camera started, frames seen, read and skipped, each reading's latency and
  // each hold's time.
  const stats = { started: 0, frames: 0, read: 0, skipped: 0, latencies: [], holds: [] };

  // The guide box and the boxes of a reading, over the video in frame pixels.
  function drawOverlay(guide, boxes) {
    overlay.width = video.videoWidth;
    overlay.height = video.videoHeight;
    const ctx = overlay.getContext('2d');
    const thickness = Math.max(1, overlay.width / 640);
    ctx.lineWidth = 2 * thickness;
    ctx.setLineDash([12, 8]);
    ctx.strokeStyle = '#ffffff';
    ctx.strokeRect(guide.left, guide.top, guide.width, guide.height);
    const placement = { scale: guide.width / guide.outWidth, x: guide.left, y: guide.top };
    const drawn = strokeBoxes(ctx, boxes, placement, thickness);
    // For tests and scripts: the canvas holds only pixels.
    overlay.dataset.boxes = JSON.stringify(drawn.map((rect) => rect.map(Math.round)));
  }

  // Held once `hold_frames` readings in a row give the same text with the number still (its left edge moving at
  // most `hold_motion` of the box's width between readings); a new text must be as steady to replace it. A reading
  // with ink cut by the guide box's edge is never held. Both keep a number sliding into the box from being held by
  // its first digits.
  function hold(reading, boxes, guide) {
    const pieces = boxes.map(({ box }) => box);
    const cut = pieces.some(([x, y, w, h]) => (
      x <= EDGE || y <= EDGE || x + w >= guide.outWidth - EDGE || y + h >= guide.outHeight - EDGE));
    const text = !cut && (reading.digits.length || reading.punctuation?.length) ? reading.text ?? reading.number : '';
    const left = Math.min(...pieces.map(([x]) => x));
    const still = Math.abs(left - streak.left) <= settings.hold_motion * guide.outWidth;
    streak = text && text === streak.text && still ? { text, left, count: streak.count + 1 } : { text, left, count: 1 };
    if (text && streak.count >= settings.hold_frames && text !== held) {
      held = text;
      stats.holds.push({ text, at: performance.now() });
      onHeld(reading);
    }
  }

  function onFrame() {
    if (!stream) return;
    next();
    stats.frames += 1;
    if (!video.videoWidth) return; // no picture yet
    if (busy) {
      stats.skipped += 1;
      return;
    }
    busy = true;
    const started = performance.now();
    const { guide, imageData } = cropFrame(video, settings, scratch);
    read(imageData).then((reading) => {
      if (!stream) return;
      stats.read += 1;
      stats.latencies.push(performance.now() - started);
      latest = imageData;
      freezeButton.disabled = false;
      const boxes = readingBoxes(reading, settings.threshold);
      drawOverlay(guide, boxes);
      hold(reading, boxes, guide);
    }).catch((error) => console.warn('camera frame not read:', error)).finally(() => {
      busy = false;
    });
  }

  function next() {
    if (!stream) return;
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(onFrame);
    else requestAnimationFrame(onFrame);
  }

  function stop() {
    if (!stream) return;
    for (const track of stream.getTracks()) track.stop();
    stream = null;
    video.srcObject = null;
    root.hidden = true;
    freezeButton.disabled = true;
    streak = { text: '', left: 0, count: 0 };
    held = '';
    onStop();
  }

  // A hidden page or one left keeps no camera running.
  document.addEventListener('visibilitychange', () => document.hidden && stop());
  window.addEventListener('pagehide', stop);
  freezeButton.addEventListener('click', () => {
    const frame = latest;
    stop();
    if (frame) onFrozen(frame);
  });

  return {
    /** Starts the rear camera (the front one where there is no other); rejects with a sentence to show. */
    async start() {
      if (stream) return;
      if (!navigator.mediaDevices?.getUserMedia) throw new Error(NO_CAMERA_API);
      let opened;
      try {
        opened = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
      } catch (error) {
        throw new Error(cameraErrorMessage(error));
      }
      stream = opened;
      latest = null;
      Object.assign(stats, { started: performance.now(), frames: 0, read: 0, skipped: 0, latencies: [], holds: [] });
      video.srcObject = stream;
      root.hidden = false;
      try {
        await video.play();
      } catch (error) {
        if (!stream) return; // stopped before the video started: nothing to say
        stop();
        throw error;
      }
      const guide = guideBox(video.videoWidth || 640, video.videoHeight || 480, settings);
      drawOverlay(guide, []);
      next();
    },
    stop,
    get running() {
      return stream !== null;
    },
    /** What `invoke bench` reads (see `stats` above), and the time it was read at. */
    stats: () => ({ ...structuredClone(stats), now: performance.now() }),
  };
}
