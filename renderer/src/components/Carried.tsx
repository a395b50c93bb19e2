/**
 * The source's host settings a clone or a migration takes along (bind mounts, capabilities,
 * devices…), listed before anything starts: copying them is faithful, and worth knowing.
 */
export function Carried(props: { items: string[]; what: string }) {
  return (
    <div className="carried" data-carried>
      <p className="muted">{props.what} the source&apos;s host settings:</p>
      <ul>
        {props.items.map((i) => (
          <li key={i}>{i}</li>
        ))}
      </ul>
    </div>
  );
}
