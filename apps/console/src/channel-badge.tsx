import { channelName, isKnownChannel } from './format';

/**
 * The channel a message came from, as a small badge ("via WhatsApp" to a screen reader), with the
 * sender's address as it arrived (`from`) in its tooltip.
 */
export function ChannelBadge({ channel, from }: { channel: string; from: string }) {
  const name = channelName(channel);
  return (
    <span
      class={`channel-badge channel-${isKnownChannel(channel) ? channel : 'other'}`}
      role="img"
      aria-label={`via ${name}`}
      title={`From ${from} via ${name}`}
      data-channel={channel}
    >
      <span class="channel-dot" aria-hidden="true" />
      {name}
    </span>
  );
}
