// The upload controls (a file, or a photo taken there and then) and the drop zone: each hands the file chosen to
// the page (read/images.js decodes it).
/** Calls onFile(file) for files chosen in any of `inputs` or dropped on `zone`. */
export function watchUploads(inputs, zone, onFile) {
  for (const input of inputs) {
    input.addEventListener('change', () => {
      if (input.files.length) onFile(input.files[0]);
      input.value = ''; // choosing the same file again should still count
    });
  }
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const file = event.dataTransfer?.files?.[0];
    if (file) onFile(file);
  });
}
