// The code browser: the function's zip (GetFunction's Code.Location, a pre-signed link on this
// origin) read in the browser; its files listed, text files shown.
import { useState } from 'preact/hooks';
import type { Api } from '../../api/gust-api';
import { Card, Empty, ErrorBox, Spinner, useLoad } from '../../components/ui';
import { fmtBytes } from '../../lib/format';
import { asText, listZip, readZipEntry, type ZipEntry } from '../../lib/zip';

const MAX_SHOWN = 512 * 1024;

export function CodeTab(props: { api: Api; location?: string; codeSize: number }) {
  const zip = useLoad(async () => {
    if (!props.location) return undefined;
    const bytes = await props.api.codeZip(props.location);
    return { bytes, entries: listZip(bytes) };
  }, [props.location]);
  const [file, setFile] = useState<{ entry: ZipEntry; text?: string; error?: string }>();

  const open = async (entry: ZipEntry) => {
    if (!zip.data) return;
    if (entry.size > MAX_SHOWN) return setFile({ entry, error: `This file is ${fmtBytes(entry.size)}; the browser shows files up to ${fmtBytes(MAX_SHOWN)}.` });
    try {
      const text = asText(await readZipEntry(zip.data.bytes, entry));
      setFile(text === undefined ? { entry, error: 'A binary file.' } : { entry, text });
    } catch (e) {
      setFile({ entry, error: (e as Error).message });
    }
  };

  if (!props.location) return <Empty title="This function's code cannot be downloaded" />;
  return (
    <div class="code-browser">
      <Card title={`Files (${fmtBytes(props.codeSize)} zipped)`} class="files flush">
        {zip.error !== undefined && <ErrorBox error={zip.error} />}
        {zip.loading && <Spinner />}
        <ul class="file-list" data-testid="code-files">
          {zip.data?.entries.map((e) => (
            <li key={e.name}>
              <button class={file?.entry.name === e.name ? 'file active' : 'file'} onClick={() => open(e)}>
                <span>{e.name}</span>
                <span class="muted">{fmtBytes(e.size)}</span>
              </button>
            </li>
          ))}
        </ul>
      </Card>
      <Card title={file?.entry.name ?? 'Choose a file'} class="viewer">
        {!file && <Empty title="Pick a file on the left to read it" />}
        {file?.error && <p class="note">{file.error}</p>}
        {file?.text !== undefined && (
          <pre class="code numbered" data-testid="code-view">
            {file.text.split('\n').map((line, i) => (
              <span class="ln" key={i}>
                <i>{i + 1}</i>
                {line}
                {'\n'}
              </span>
            ))}
          </pre>
        )}
      </Card>
    </div>
  );
}
